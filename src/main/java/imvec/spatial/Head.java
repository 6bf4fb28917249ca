package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import java.util.List;

/**
 * A head that compares backbone maps with label word vectors. Parameters live as plain float
 * arrays (saved as .npy, updated by {@link SpatialTraining}'s Adam); {@link #forward} reads them
 * from an {@link NDList} in {@link #params()} order, so gradients come from DJL's autograd.
 */
public interface Head {
    /** A named parameter tensor and its current values, C order. */
    record Param(String name, long[] shape, float[] values) {
    }

    /** What a forward pass gives: per-location logits [B, L, H, W] and the pooled logits [B, L]. */
    record Output(NDArray maps, NDArray logits) {
    }

    /** {@code spatial} or {@code pooled}: recorded in the model so it reopens as the right head. */
    String kind();

    List<Param> params();

    /**
     * @param params the parameters as arrays, in {@link #params()} order
     * @param x      backbone maps [B, C, H, W]
     * @param labels unit label vectors [B, L, d] (each scene its own labels)
     */
    Output forward(NDList params, NDArray x, NDArray labels);

    /**
     * {@code v} scaled to unit length along {@code axis}. The small floor keeps the gradient
     * bounded where a vector is (nearly) zero, e.g. a location where every ReLU channel is off.
     */
    static NDArray unit(NDArray v, int axis) {
        return v.div(v.square().sum(new int[] {axis}, true).add(1e-4).sqrt());
    }
}
