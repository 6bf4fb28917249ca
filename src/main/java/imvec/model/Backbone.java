package imvec.model;

import java.util.List;
import java.util.Map;

/**
 * A model whose named layers can be tapped: given a preprocessed batch it returns the
 * activations of the requested layers. One class per engine (ONNX Runtime, DJL/PyTorch).
 */
public interface Backbone extends AutoCloseable {
    /** Every tensor that {@link #forward} can return, in graph order. */
    List<LayerInfo> layers();

    /** Preprocessing, labels and provenance for this model. */
    ModelCard card();

    /** The model file (or directory) this backbone was loaded from. */
    java.nio.file.Path path();

    /** SHA-256 of the model's weights file, hex, for provenance. */
    String sha256();

    /**
     * Runs a batch and returns the named layers. The returned tensors never share {@code nchw},
     * and it is not kept after the call: a caller may refill it with the next batch.
     *
     * @param nchw   {@code n × channels × height × width} float32 values, C order
     * @param n      batch size
     * @param layers names from {@link #layers()}
     */
    Map<String, Tensor> forward(float[] nchw, int n, List<String> layers);

    @Override
    void close();
}
