/**
 * The contract every backbone meets, whatever its engine: {@link imvec.model.Backbone} (named
 * layers to activations for a batch), {@link imvec.model.Tensor}, {@link imvec.model.LayerInfo},
 * the {@link imvec.model.ModelCard} that says what input a model expects, and progress
 * listeners. Uses only {@code imvec.util}; the engines ({@code onnx}, {@code train},
 * {@code finetune}) implement it and everything downstream depends on it alone.
 */
package imvec.model;
