/**
 * Fine-tuning an ONNX model after a chosen tensor: the ONNX→DJL import of the op set MobileNet
 * and ResNet use, the check of the import against ONNX Runtime, and tuning with a new dense head.
 * Builds on {@code imvec.onnx} (graph and weights) and {@code imvec.train} (DJL training).
 * Start with {@link imvec.finetune.OnnxImport} and {@link imvec.finetune.FineTuneJob}.
 */
package imvec.finetune;
