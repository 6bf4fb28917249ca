package imvec.train;

import ai.djl.nn.Block;

/**
 * One step of a {@link TrainedNet}: a DJL block whose output can be tapped under {@code name}.
 *
 * @param name   the layer name users ask for, e.g. {@code conv1_relu}
 * @param opType the ONNX operator name for the same computation ({@code Conv}, {@code Relu},
 *               {@code Gemm}, ...), so reports read alike for ONNX and trained models
 * @param block  the DJL block that computes it
 */
public record NamedBlock(String name, String opType, Block block) {
}
