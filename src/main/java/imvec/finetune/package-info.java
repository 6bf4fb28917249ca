/**
 * Fine-tuning an ONNX model after a chosen tensor: the ONNX→DJL import of the op set MobileNet
 * and ResNet use, the check of the import against ONNX Runtime, and tuning with a new dense head.
 * Builds on {@code imvec.onnx} (graph and weights) and {@code imvec.train} (DJL training).
 * {@link imvec.finetune.TrainableTail} is the imported part between two tensors for trainers that
 * bring their own head and loss ({@code imvec spatial train --tune-from}); its head-less saved form
 * opens through {@link imvec.finetune.TunedBackbone} like a tuned classifier does.
 * Start with {@link imvec.finetune.OnnxImport} and {@link imvec.finetune.FineTuneJob}.
 */
package imvec.finetune;
