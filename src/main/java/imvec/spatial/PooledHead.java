package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;

import java.util.List;
import java.util.Random;

/**
 * The prior approach, as a baseline: pool first, then a linear map to word space and a scaled
 * cosine with the label vector, logit = s·cos + b. Its localisation map applies the same linear
 * map and cosine at every location (linear maps commute with average pooling).
 */
public final class PooledHead implements Head {
    public static final String KIND = "pooled";
    private final int channels, dims;
    private final List<Param> params;

    private PooledHead(int channels, int dims, List<Param> params) {
        this.channels = channels;
        this.dims = dims;
        this.params = params;
    }

    public static PooledHead create(int channels, int dims, long seed) {
        Random r = new Random(seed);
        return new PooledHead(channels, dims, List.of(
                new Param("linear.weight", new long[] {dims, channels, 1, 1}, CosineMapHead.normal(r, dims * channels, Math.sqrt(1.0 / channels))),
                new Param("scale", new long[] {1}, new float[] {5f}),
                new Param("bias", new long[] {1}, new float[] {-3f})));
    }

    public static PooledHead of(int channels, int dims, List<Param> values) {
        return new PooledHead(channels, dims, Heads.matching(create(channels, dims, 0).params, values));
    }

    @Override
    public String kind() {
        return KIND;
    }

    public int channels() {
        return channels;
    }

    public int dims() {
        return dims;
    }

    @Override
    public List<Param> params() {
        return params;
    }

    @Override
    public Output forward(NDList p, NDArray x, NDArray labels) {
        long b = x.getShape().get(0), h = x.getShape().get(2), w = x.getShape().get(3);
        NDArray projected = Conv2d.conv2d(x, p.get(0)).singletonOrThrow().reshape(b, dims, h * w); // [B, d, HW]
        NDArray pooled = Head.unit(projected.mean(new int[] {2}), 1).expandDims(2);                 // [B, d, 1]
        NDArray logits = labels.batchMatMul(pooled).squeeze(2).mul(p.get(1)).add(p.get(2));         // [B, L]
        NDArray local = labels.batchMatMul(Head.unit(projected, 1)).mul(p.get(1)).add(p.get(2));     // [B, L, HW]
        return new Output(local.reshape(b, labels.getShape().get(1), h, w), logits);
    }
}
