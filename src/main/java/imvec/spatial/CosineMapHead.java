package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Random;

/**
 * The spatial head: a 1×1 convolution embeds every location of the C-channel map as k vectors of
 * the word dimension d; each block's cosine with a unit label vector gives k maps per label, which
 * a small conv + ReLU + conv stack (shared by all labels) turns into one localisation map of
 * logits; the image's logit is the learnable mix α·mean + (1−α)·max of that map, α = sigmoid(a).
 *
 * <p>The stack's convolutions are 1×1: with a 3×3 first layer, trained only through the pooled
 * score, the planted-cell test's maps peaked one cell off the planted object (a shifted response
 * pools to the same max), so localisation was not pinned to the location that holds the word.
 */
public final class CosineMapHead implements Head {
    public static final String KIND = "spatial";
    private final int channels, blocks, dims, hidden;
    private final List<Param> params;

    private CosineMapHead(int channels, int blocks, int dims, int hidden, List<Param> params) {
        this.channels = channels;
        this.blocks = blocks;
        this.dims = dims;
        this.hidden = hidden;
        this.params = params;
    }

    /** A freshly initialised head (seeded): He-style weights, a negative prior bias, α = ½. */
    public static CosineMapHead create(int channels, int blocks, int dims, int hidden, long seed) {
        Random r = new Random(seed);
        List<Param> p = List.of(
                new Param("embed.weight", new long[] {(long) blocks * dims, channels, 1, 1}, normal(r, blocks * dims * channels, Math.sqrt(1.0 / channels))),
                // A small random bias, so a location whose channels are all zero still has a direction.
                new Param("embed.bias", new long[] {(long) blocks * dims}, normal(r, blocks * dims, 0.1)),
                new Param("conv1.weight", new long[] {hidden, blocks, 1, 1}, normal(r, hidden * blocks, Math.sqrt(2.0 / blocks))),
                new Param("conv1.bias", new long[] {hidden}, new float[hidden]),
                new Param("conv2.weight", new long[] {1, hidden, 1, 1}, normal(r, hidden, Math.sqrt(1.0 / hidden))),
                // Most of the 50 labels a scene is trained on are absent: start near that prior.
                new Param("conv2.bias", new long[] {1}, new float[] {-3f}),
                new Param("pool.a", new long[] {1}, new float[] {0f}));
        return new CosineMapHead(channels, blocks, dims, hidden, p);
    }

    /** A head with given parameter values (as saved), checked against the shapes {@link #create} makes. */
    public static CosineMapHead of(int channels, int blocks, int dims, int hidden, List<Param> values) {
        CosineMapHead fresh = create(channels, blocks, dims, hidden, 0);
        return new CosineMapHead(channels, blocks, dims, hidden, Heads.matching(fresh.params, values));
    }

    static float[] normal(Random r, int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) (r.nextGaussian() * std);
        return out;
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int channels() {
        return channels;
    }

    public int blocks() {
        return blocks;
    }

    public int dims() {
        return dims;
    }

    public int hidden() {
        return hidden;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public Output forward(NDList p, NDArray x, NDArray labels) {
        NDArray maps = maps(p, cosineMaps(p, x, labels)).reshape(x.getShape().get(0), labels.getShape().get(1),
                x.getShape().get(2), x.getShape().get(3));
        return new Output(maps, pool(maps, p.get(6)));
    }

    /**
     * The shared stack and the pooling, in plain Java, on cosines computed elsewhere: {@code cos}
     * holds for each of {@code n} scenes, each of its {@code hw} locations and each block the
     * cosine with each of {@code l} labels ([n, HW, k, L]: what cached unit region embeddings times
     * the labels' transpose gives, one large matrix product). Writes each scene's maps [L, HW] to
     * {@code maps} from {@code mapsFrom} and its pooled logits [L] to {@code logits} from
     * {@code logitsFrom}. Scoring cached embeddings this way leaves the word-independent 1×1
     * convolution out of every query; the loops are row updates over the label axis, which the
     * JIT vectorises, where DJL's products with an inner size of k = 5 ran several times slower.
     */
    public void stack(float[] cos, int n, int hw, int l, float[] maps, long mapsFrom, float[] logits, long logitsFrom) {
        float[] w1 = params.get(2).values(), b1 = params.get(3).values(), w2 = params.get(4).values();
        float b2 = params.get(5).values()[0];
        double alpha = 1 / (1 + Math.exp(-params.get(6).values()[0]));
        java.util.stream.IntStream.range(0, n).parallel().forEach(s -> {
            int sceneMaps = Math.toIntExact(mapsFrom + (long) s * l * hw), sceneLogits = Math.toIntExact(logitsFrom + (long) s * l);
            if (l < FEW_LABELS) {
                stackLabelByLabel(cos, s, hw, l, maps, sceneMaps, logits, sceneLogits, w1, b1, w2, b2, alpha);
                return;
            }
            float[] local = new float[l], acc = new float[l], sum = new float[l], max = new float[l];
            java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
            for (int q = 0; q < hw; q++) {
                int base = (s * hw + q) * blocks * l;
                java.util.Arrays.fill(local, b2);
                for (int h = 0; h < hidden; h++) {
                    java.util.Arrays.fill(acc, b1[h]);
                    for (int k = 0; k < blocks; k++) {
                        float wk = w1[h * blocks + k];
                        int from = base + k * l;
                        for (int j = 0; j < l; j++) acc[j] += wk * cos[from + j];
                    }
                    float wh = w2[h];
                    for (int j = 0; j < l; j++) local[j] += wh * Math.max(acc[j], 0f);
                }
                int at = sceneMaps + q;
                for (int j = 0; j < l; j++) {
                    maps[at + j * hw] = local[j];
                    sum[j] += local[j];
                    max[j] = Math.max(max[j], local[j]);
                }
            }
            for (int j = 0; j < l; j++) logits[sceneLogits + j] = (float) (alpha * sum[j] / hw + (1 - alpha) * max[j]);
        });
    }

    /** Below this many labels the stack runs label by label: row updates over so few labels cost more than they save. */
    private static final int FEW_LABELS = 8;

    /**
     * One scene of {@link #stack} a label at a time, for the explorer's one or two words. The same
     * operations in the same order as the row updates, so the same numbers, without a loop and an
     * array fill per hidden unit over a label axis of length one.
     */
    private void stackLabelByLabel(float[] cos, int s, int hw, int l, float[] maps, int sceneMaps, float[] logits, int sceneLogits,
                                   float[] w1, float[] b1, float[] w2, float b2, double alpha) {
        for (int j = 0; j < l; j++) {
            float sum = 0, max = Float.NEGATIVE_INFINITY;
            for (int q = 0; q < hw; q++) {
                int base = (s * hw + q) * blocks * l + j;
                float local = b2;
                for (int h = 0; h < hidden; h++) {
                    float acc = b1[h];
                    for (int k = 0; k < blocks; k++) acc += w1[h * blocks + k] * cos[base + k * l];
                    local += w2[h] * Math.max(acc, 0f);
                }
                maps[sceneMaps + j * hw + q] = local;
                sum += local;
                max = Math.max(max, local);
            }
            logits[sceneLogits + j] = (float) (alpha * sum / hw + (1 - alpha) * max);
        }
    }

    /** The k cosine maps of every label: [B·L, k, H, W]. */
    NDArray cosineMaps(NDList p, NDArray x, NDArray labels) {
        long b = x.getShape().get(0), h = x.getShape().get(2), w = x.getShape().get(3);
        long l = labels.getShape().get(1);
        NDArray units = Head.unit(embed(p, x), 2).transpose(0, 2, 1, 3).reshape(b, dims, blocks * h * w);
        NDArray cos = labels.batchMatMul(units); // [B, L, k·HW]: already in the order the stack reads
        return cos.reshape(b * l, blocks, h, w);
    }

    /**
     * The 1×1 convolution's embedding of every location, k blocks of d dims, not yet normalised:
     * [B, k, d, H·W]. This is the layer the cosine compares with words. It runs as one batched
     * matrix product: PyTorch's CPU conv path ran it at a third of the matmul's speed here, and
     * this product is most of a scoring pass's work.
     */
    NDArray embed(NDList p, NDArray x) {
        long b = x.getShape().get(0), c = x.getShape().get(1), h = x.getShape().get(2), w = x.getShape().get(3);
        return p.get(0).reshape(blocks * (long) dims, c).matMul(x.reshape(b, c, h * w))
                .add(p.get(1).reshape(blocks * (long) dims, 1)).reshape(b, blocks, dims, h * w);
    }

    /** The shared conv stack (1×1 convolutions as matrix products): k cosine maps → one map of logits per label, [B·L, 1, H, W]. */
    NDArray maps(NDList p, NDArray cos) {
        Shape s = cos.getShape();
        long n = s.get(0), hw = s.get(2) * s.get(3);
        NDArray flat = cos.reshape(n, blocks, hw);
        NDArray hiddenMaps = p.get(2).reshape(hidden, blocks).matMul(flat).add(p.get(3).reshape(hidden, 1)).maximum(0f);
        return p.get(4).reshape(1, hidden).matMul(hiddenMaps).add(p.get(5).reshape(1, 1)).reshape(n, 1, s.get(2), s.get(3));
    }

    /**
     * The learnable mix of average and max pooling over the map's locations: α = sigmoid(a)
     * weighs the mean, so a → +∞ gives average pooling and a → −∞ max pooling.
     */
    static NDArray pool(NDArray maps, NDArray a) {
        NDArray alpha = ai.djl.nn.Activation.sigmoid(a);
        Shape s = maps.getShape();
        int last = s.dimension() - 2;
        // PyTorch's max reduces one axis at a time: flatten H×W into one.
        NDArray flat = maps.reshape(s.slice(0, last).add(s.get(last) * s.get(last + 1)));
        NDArray mean = flat.mean(new int[] {last}), max = flat.max(new int[] {last});
        return mean.mul(alpha).add(max.mul(alpha.neg().add(1f)));
    }
}
