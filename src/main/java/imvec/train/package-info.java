/**
 * Training imvec's own CNNs with DJL on PyTorch: architectures, augmentation, the training loop,
 * and {@link imvec.train.TrainedNet}, a trained net that opens as a backbone with every layer
 * tappable. Implements {@code imvec.model}. Start with {@link imvec.train.TrainJob}.
 */
package imvec.train;
