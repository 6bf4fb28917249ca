/**
 * Every {@code imvec bench …} measurement: extraction, training, t-SNE, silhouette, Im2Vec and
 * spatial-head speed ({@link imvec.bench.SpatialBench}), each beside its reference (raw ONNX Runtime, scikit-learn, DJL on PyTorch). Benchmarks
 * may use any library package; nothing below them uses this one. Start with
 * {@link imvec.bench.ExtractBench}.
 */
package imvec.bench;
