/**
 * ONNX Runtime backbones: reading the graph with protobuf classes generated from
 * {@code onnx.proto}, tapping any node output, completing a card from the graph, and the
 * session cache. Implements {@code imvec.model}. Start with {@link imvec.onnx.OnnxBackbone}.
 */
package imvec.onnx;
