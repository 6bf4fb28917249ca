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

    /** Hears each batch's maps: the scenes from {@code from} on, in order. */
    public interface BatchSink {
        void accept(int from, FeatureMaps maps) throws IOException;
    }

    /** The tap's maps of {@code batch} scenes at a time, handed to {@code sink}, never the whole collection at once. */
    public static void forEachBatch(Backbone backbone, String tap, Preprocess pre, MultiLabelSet scenes, int batch,
                                    BatchSink sink) throws IOException {
        requireSpatial(backbone, tap);
        int n = scenes.size(), per = pre.size();
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            float[] x = new float[size * per];
            for (int i = 0; i < size; i++) pre.apply(scenes.read(from + i), x, i * per);
            Tensor t = backbone.forward(x, size, List.of(tap)).get(tap);
            if (t.shape().length != 4) {
                throw new UserError("layer '" + tap + "' gave shape " + java.util.Arrays.toString(t.shape())
                        + ", which has no spatial dims; pick a convolutional map [N, C, H, W].");
            }
            sink.accept(from, new FeatureMaps(size, (int) t.shape()[1], (int) t.shape()[2], (int) t.shape()[3], t.data()));
        }
    }

    public static FeatureMaps compute(Backbone backbone, String tap, Preprocess pre, MultiLabelSet scenes, int batch,
                                      LongConsumer done) throws IOException {
        int n = scenes.size();
        float[][] data = {null};
        int[] chw = new int[3];
        forEachBatch(backbone, tap, pre, scenes, batch, (from, maps) -> {
            if (data[0] == null) {
                chw[0] = maps.channels();
                chw[1] = maps.height();
                chw[2] = maps.width();
                data[0] = new float[Math.multiplyExact(n, chw[0] * chw[1] * chw[2])];
            }
            int per = chw[0] * chw[1] * chw[2];
            System.arraycopy(maps.data(), 0, data[0], from * per, maps.n() * per);
            done.accept(from + maps.n());
        });
        return new FeatureMaps(n, chw[0], chw[1], chw[2], data[0] == null ? new float[0] : data[0]);
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
