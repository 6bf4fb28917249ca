package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import imvec.analysis.RegionVectors;
import imvec.util.UserError;

import java.util.List;
import java.util.function.LongConsumer;

/**
 * The spatial head's embedding of every location of every image: the 1×1 convolution's output,
 * k blocks of d dims per location of the H×W map, before the cosine with words. This is the
 * layer compared with words. {@code data} is N × (H·W) × k × d in C order (location p = row·W +
 * col), raw (not normalised: {@link RegionVectors} normalises blocks where a measure needs it).
 */
public record RegionEmbeddings(List<String> ids, int blocks, int dims, int height, int width, float[] data) {
    public RegionEmbeddings {
        ids = List.copyOf(ids);
        if ((long) ids.size() * height * width * blocks * dims != data.length) {
            throw new IllegalArgumentException(ids.size() + " images of " + height + "×" + width + "×" + blocks + "×" + dims
                    + " need " + (long) ids.size() * height * width * blocks * dims + " values, not " + data.length);
        }
    }

    /** The arithmetic the head was trained in: the default for analyses of the embeddings. */
    private static final SpatialModel.Precision TRAINING_PRECISION =
            SpatialTraining.DOUBLES ? SpatialModel.Precision.FLOAT64 : SpatialModel.Precision.FLOAT32;

    /**
     * Embeds every location of {@code maps} with {@code head}'s 1×1 convolution, in batches of
     * {@code batch} images; parameters carry no gradients, so no autograd graph is built.
     * {@code done} hears images finished. A pooled head keeps one vector per image and has no
     * region embeddings: that is a {@link UserError}.
     */
    public static RegionEmbeddings compute(Head head, FeatureMaps maps, List<String> ids, int batch, int threads, LongConsumer done) {
        return compute(head, maps, ids, batch, threads, TRAINING_PRECISION, done);
    }

    /** As {@link #compute(Head, FeatureMaps, List, int, int, LongConsumer)} in the given arithmetic. */
    public static RegionEmbeddings compute(Head head, FeatureMaps maps, List<String> ids, int batch, int threads,
                                           SpatialModel.Precision precision, LongConsumer done) {
        CosineMapHead spatial = spatialHead(head);
        if (ids.size() != maps.n()) throw new IllegalArgumentException(ids.size() + " ids for " + maps.n() + " maps");
        int per = maps.height() * maps.width() * spatial.blocks() * spatial.dims();
        float[] out = new float[Math.multiplyExact(maps.n(), per)];
        embedBatches(spatial, maps, batch, threads, precision, (from, size, values) -> {
            System.arraycopy(values, 0, out, from * per, size * per);
            done.accept(from + size);
        });
        return new RegionEmbeddings(ids, spatial.blocks(), spatial.dims(), maps.height(), maps.width(), out);
    }

    /**
     * Every image's {@link RegionVectors#diversity diversity} straight from the maps, one batch of
     * embeddings at a time: what {@code compute(…).diversity()} gives without holding N × H·W × k × d
     * values (gigabytes for a large collection).
     */
    public static double[] diversity(Head head, FeatureMaps maps, int batch, int threads, LongConsumer done) {
        CosineMapHead spatial = spatialHead(head);
        int hw = maps.height() * maps.width(), per = hw * spatial.blocks() * spatial.dims();
        double[] out = new double[maps.n()];
        embedBatches(spatial, maps, batch, threads, TRAINING_PRECISION, (from, size, values) -> {
            for (int i = 0; i < size; i++) out[from + i] = RegionVectors.diversity(values, i * per, hw, spatial.blocks(), spatial.dims());
            done.accept(from + size);
        });
        return out;
    }

    private static CosineMapHead spatialHead(Head head) {
        if (!(head instanceof CosineMapHead spatial)) {
            throw new UserError("the model has a " + head.kind() + " head, which keeps one vector per image; region embeddings"
                    + " (diversity, region PCA) need a spatial head (imvec spatial train --head spatial).");
        }
        return spatial;
    }

    /** One batch's embeddings: {@code size} images from {@code from}, each H·W × k × d values in C order. */
    private interface BatchSink {
        void accept(int from, int size, float[] values);
    }

    private static void embedBatches(CosineMapHead spatial, FeatureMaps maps, int batch, int threads, SpatialModel.Precision precision,
                                     BatchSink sink) {
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads the natives before the thread call
        JniUtils.setNumThreads(threads);
        int n = maps.n();
        try (NDManager base = NDManager.newBaseManager("PyTorch")) {
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                int[] rows = new int[size];
                for (int i = 0; i < size; i++) rows[i] = from + i;
                try (NDManager m = base.newSubManager()) {
                    boolean doubles = precision == SpatialModel.Precision.FLOAT64;
                    NDList params = Heads.arrays(m, spatial.params(), doubles, false);
                    Shape shape = new Shape(size, maps.channels(), maps.height(), maps.width());
                    float[] gathered = maps.gather(rows, null);
                    NDArray x = doubles ? m.create(Heads.toDoubles(gathered), shape) : m.create(gathered, shape);
                    // [B, k, d, HW] → [B, HW, k, d]: each location's k·d values side by side.
                    NDArray e = spatial.embed(params, x).transpose(0, 3, 1, 2);
                    sink.accept(from, size, e.toType(DataType.FLOAT32, false).toFloatArray());
                }
            }
        }
    }

    public int size() {
        return ids.size();
    }

    public int locations() {
        return height * width;
    }

    /** Values of one location: k·d. */
    public int perLocation() {
        return blocks * dims;
    }

    /** Where image {@code image}'s P × k × d values start in {@link #data}. */
    public int offset(int image) {
        return image * locations() * perLocation();
    }

    /** Every image's {@link RegionVectors#diversity diversity}, in id order. */
    public double[] diversity() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) out[i] = RegionVectors.diversity(data, offset(i), locations(), blocks, dims);
        return out;
    }

    /**
     * One row per location of every image (image-major, then row-major over the map), each block
     * scaled to unit length: N·H·W rows of k·d values.
     */
    public float[][] unitRows() {
        int p = locations(), per = perLocation();
        float[][] rows = new float[Math.multiplyExact(size(), p)][per];
        for (int r = 0; r < rows.length; r++) RegionVectors.unitBlocks(data, r * per, blocks, dims, rows[r], 0);
        return rows;
    }
}
