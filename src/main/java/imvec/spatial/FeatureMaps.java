package imvec.spatial;

import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Backbone maps of N scenes, float32 N×C×H×W in C order: computed once per scene so that training
 * epochs cost only the head.
 */
public record FeatureMaps(int n, int channels, int height, int width, float[] data) {
    public FeatureMaps {
        if ((long) n * channels * height * width != data.length) {
            throw new IllegalArgumentException(n + "×" + channels + "×" + height + "×" + width + " maps need "
                    + (long) n * channels * height * width + " values, not " + data.length);
        }
    }

    public int perScene() {
        return channels * height * width;
    }

    /** Scenes {@code rows} gathered into one batch, each optionally mirrored left–right. */
    public float[] gather(int[] rows, boolean[] flip) {
        int per = perScene();
        float[] out = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            if (flip == null || !flip[i]) {
                System.arraycopy(data, rows[i] * per, out, i * per, per);
                continue;
            }
            for (int c = 0; c < channels * height; c++) {
                int from = rows[i] * per + c * width, to = i * per + c * width;
                for (int x = 0; x < width; x++) out[to + x] = data[from + width - 1 - x];
            }
        }
        return out;
    }

    public void save(Path file) throws IOException {
        Npy.write(file, data, n, channels, height, width);
    }

    public static FeatureMaps load(Path file) {
        Npy.Array a = Npy.read(file);
        if (a.shape().length != 4 || a.floats() == null) {
            throw new UserError(file + " holds no float32 N×C×H×W maps.");
        }
        long[] s = a.shape();
        return new FeatureMaps((int) s[0], (int) s[1], (int) s[2], (int) s[3], a.floats());
    }
}
