/**
 * Every {@code imvec bench …} measurement: extraction, training, t-SNE, silhouette and Im2Vec
 * speed, each beside its reference (raw ONNX Runtime, scikit-learn, DJL on PyTorch). Benchmarks
 * may use any library package; nothing below them uses this one. Start with
 * {@link imvec.bench.ExtractBench}.
 */
package imvec.bench;
