package imvec.spatial;

import imvec.data.MultiLabelSet;
import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.Tensor;
import imvec.util.UserError;

import java.io.IOException;
import java.util.List;
import java.util.function.LongConsumer;

/** Runs scenes through a frozen backbone and keeps one spatial tap: the maps the head compares with words. */
public final class BackboneMaps {
    private BackboneMaps() {
    }

    /** The tap must be a map, [N, C, H, W]: pooled or flat layers have no locations to compare with words. */
    public static void requireSpatial(Backbone backbone, String tap) {
        LayerInfo info = backbone.layers().stream().filter(l -> l.name().equals(tap)).findFirst().orElse(null);
        if (info == null) return; // the backbone's own error names the unknown layer, with suggestions
        if (info.shape().length != 4) {
            throw new UserError("layer '" + tap + "' has shape " + info.shapeText()
                    + ", which has no spatial dims; pick a convolutional map [N, C, H, W].");
        }
    }

    public static FeatureMaps compute(Backbone backbone, String tap, Preprocess pre, MultiLabelSet scenes, int batch,
                                      LongConsumer done) throws IOException {
        requireSpatial(backbone, tap);
        int n = scenes.size(), per = pre.size();
        float[] data = null;
        int c = 0, h = 0, w = 0;
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            float[] x = new float[size * per];
            for (int i = 0; i < size; i++) pre.apply(scenes.read(from + i), x, i * per);
            Tensor t = backbone.forward(x, size, List.of(tap)).get(tap);
            if (t.shape().length != 4) {
                throw new UserError("layer '" + tap + "' gave shape " + java.util.Arrays.toString(t.shape())
                        + ", which has no spatial dims; pick a convolutional map [N, C, H, W].");
            }
            if (data == null) {
                c = (int) t.shape()[1];
                h = (int) t.shape()[2];
                w = (int) t.shape()[3];
                data = new float[Math.multiplyExact(n, c * h * w)];
            }
            System.arraycopy(t.data(), 0, data, from * c * h * w, size * c * h * w);
            done.accept(from + size);
        }
        return new FeatureMaps(n, c, h, w, data == null ? new float[0] : data);
    }

    /**
     * The classifier output ({@code layer}, e.g. the card's {@code output_layer}) of every scene,
     * one row of class scores each, with the backbone's own preprocessing {@code pre}.
     */
    public static float[][] classifier(Backbone backbone, String layer, Preprocess pre, MultiLabelSet scenes, int batch,
                                       LongConsumer done) throws IOException {
        int n = scenes.size(), per = pre.size();
        float[][] out = new float[n][];
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            float[] x = new float[size * per];
            for (int i = 0; i < size; i++) pre.apply(scenes.read(from + i), x, i * per);
            Tensor t = backbone.forward(x, size, List.of(layer)).get(layer);
            int classes = t.data().length / size;
            for (int i = 0; i < size; i++) out[from + i] = java.util.Arrays.copyOfRange(t.data(), i * classes, (i + 1) * classes);
            done.accept(from + size);
        }
        return out;
    }
}
