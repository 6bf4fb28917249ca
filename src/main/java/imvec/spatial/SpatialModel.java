package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import imvec.words.LabelVectors;

import java.util.List;
import java.util.function.LongConsumer;

/** A trained head with the scoring it does: any label words, seen or unseen, against cached maps. */
public final class SpatialModel {
    private final Head head;

    public SpatialModel(Head head) {
        this.head = head;
    }

    public Head head() {
        return head;
    }

    /** The arithmetic of a scoring pass: training runs in float64 (see {@link SpatialTraining}), inference need not. */
    public enum Precision { FLOAT32, FLOAT64 }

    /**
     * Scores every scene of {@code maps} against every label in float32; {@code done} hears scenes
     * finished. Float32 agrees with the float64 path to about 1e-6 in the scores (a test checks it);
     * for the spatial head it runs as embedding plus {@link #score(RegionEmbeddings, LabelVectors, int, int, LongConsumer)}.
     */
    public Scores score(FeatureMaps maps, List<String> ids, LabelVectors labels, int batch, int threads, LongConsumer done) {
        return score(maps, ids, labels, batch, threads, Precision.FLOAT32, done);
    }

    /**
     * As {@link #score(FeatureMaps, List, LabelVectors, int, int, LongConsumer)} in the given
     * precision. Parameters are created without gradients (no autograd graph), in batches of
     * {@code batch} scenes.
     */
    public Scores score(FeatureMaps maps, List<String> ids, LabelVectors labels, int batch, int threads, Precision precision,
                        LongConsumer done) {
        if (precision == Precision.FLOAT32 && head instanceof CosineMapHead) return scoreThroughRegions(maps, ids, labels, batch, threads, done);
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads the natives before the thread call
        JniUtils.setNumThreads(threads);
        boolean doubles = precision == Precision.FLOAT64;
        int n = maps.n(), l = labels.size(), hw = maps.height() * maps.width(), d = labels.dims();
        float[] scores = new float[n * l], out = new float[Math.multiplyExact(n * l, hw)];
        float[] flat = new float[l * d];
        for (int j = 0; j < l; j++) System.arraycopy(labels.unit()[j], 0, flat, j * d, d);
        try (NDManager base = NDManager.newBaseManager("PyTorch")) {
            NDList params = Heads.arrays(base, head.params(), doubles, false);
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                int[] rows = new int[size];
                for (int i = 0; i < size; i++) rows[i] = from + i;
                try (NDManager m = base.newSubManager()) {
                    Shape shape = new Shape(size, maps.channels(), maps.height(), maps.width());
                    float[] x = maps.gather(rows, null);
                    NDArray input = doubles ? m.create(Heads.toDoubles(x), shape) : m.create(x, shape);
                    NDArray v = (doubles ? m.create(Heads.toDoubles(flat), new Shape(1, l, d)) : m.create(flat, new Shape(1, l, d)))
                            .repeat(0, size);
                    Head.Output o = head.forward(params, input, v);
                    System.arraycopy(floats(ai.djl.nn.Activation.sigmoid(o.logits())), 0, scores, from * l, size * l);
                    System.arraycopy(floats(o.maps()), 0, out, from * l * hw, size * l * hw);
                }
                done.accept(from + size);
            }
        }
        return new Scores(List.copyOf(ids), labels.names(), maps.height(), maps.width(), scores, out);
    }

    /**
     * Scores cached region embeddings ({@link RegionEmbeddings#compute}, spatial head only) against
     * {@code labels} in float32: the same scores and maps as scoring the backbone maps they came
     * from, but without the 1×1 convolution, which does not depend on the words and so is paid once
     * per collection. Each batch's blocks are scaled to unit length as they are copied in.
     */
    public Scores score(RegionEmbeddings regions, LabelVectors labels, int batch, int threads, LongConsumer done) {
        if (!(head instanceof CosineMapHead spatial)) {
            throw new IllegalStateException("cached region embeddings are scored by a spatial head, not " + head.kind());
        }
        if (regions.blocks() != spatial.blocks() || regions.dims() != spatial.dims()) {
            throw new IllegalArgumentException("embeddings of " + regions.blocks() + "×" + regions.dims() + " for a head of "
                    + spatial.blocks() + "×" + spatial.dims());
        }
        ai.djl.engine.Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        int n = regions.size(), l = labels.size(), hw = regions.locations(), d = labels.dims(), per = hw * regions.perLocation();
        float[] scores = new float[n * l], out = new float[Math.multiplyExact(n * l, hw)];
        float[] flat = new float[l * d];
        for (int j = 0; j < l; j++) System.arraycopy(labels.unit()[j], 0, flat, j * d, d);
        float[] logits = new float[n * l];
        try (NDManager base = NDManager.newBaseManager("PyTorch")) {
            NDArray wordsT = base.create(flat, new Shape(l, d)).transpose();
            float[] units = new float[Math.multiplyExact(batch, per)];
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                unitBlocks(regions.data(), regions.offset(from), size * hw * regions.blocks(), d, units);
                float[] cos;
                try (NDManager m = base.newSubManager()) {
                    NDArray x = m.create(java.nio.FloatBuffer.wrap(units, 0, size * per), new Shape((long) size * hw * regions.blocks(), d),
                            ai.djl.ndarray.types.DataType.FLOAT32);
                    cos = x.matMul(wordsT).toFloatArray(); // [size, HW, k, L]
                }
                spatial.stack(cos, size, hw, l, out, (long) from * l * hw, logits, (long) from * l);
                done.accept(from + size);
            }
        }
        for (int i = 0; i < scores.length; i++) scores[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        return new Scores(regions.ids(), labels.names(), regions.height(), regions.width(), scores, out);
    }

    /**
     * The spatial head's float32 scoring, batch by batch: embed the batch's regions, then score them
     * as cached embeddings are scored. Same arithmetic as the whole head in DJL, but the stack runs
     * in Java, where DJL's products with an inner size of k took most of the time.
     */
    private Scores scoreThroughRegions(FeatureMaps maps, List<String> ids, LabelVectors labels, int batch, int threads, LongConsumer done) {
        int n = maps.n(), l = labels.size(), hw = maps.height() * maps.width();
        float[] scores = new float[n * l], out = new float[Math.multiplyExact(n * l, hw)];
        for (int from = 0; from < n; from += batch) {
            int size = Math.min(batch, n - from);
            int[] rows = new int[size];
            for (int i = 0; i < size; i++) rows[i] = from + i;
            FeatureMaps part = new FeatureMaps(size, maps.channels(), maps.height(), maps.width(), maps.gather(rows, null));
            RegionEmbeddings regions = RegionEmbeddings.compute(head, part, ids.subList(from, from + size), size, threads, Precision.FLOAT32, d -> { });
            Scores s = score(regions, labels, size, threads, d -> { });
            System.arraycopy(s.scores(), 0, scores, from * l, size * l);
            System.arraycopy(s.maps(), 0, out, from * l * hw, size * l * hw);
            done.accept(from + size);
        }
        return new Scores(List.copyOf(ids), labels.names(), maps.height(), maps.width(), scores, out);
    }

    /** {@code count} blocks of {@code d} values from {@code from}, each scaled as {@link Head#unit} scales it (same floor). */
    private static void unitBlocks(float[] values, int from, int count, int d, float[] out) {
        for (int b = 0; b < count; b++) {
            int at = from + b * d;
            float s = 0;
            for (int j = 0; j < d; j++) s += values[at + j] * values[at + j];
            float inv = (float) (1 / Math.sqrt(s + 1e-4));
            for (int j = 0; j < d; j++) out[b * d + j] = values[at + j] * inv;
        }
    }

    private static float[] floats(NDArray a) {
        return a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    }
}
