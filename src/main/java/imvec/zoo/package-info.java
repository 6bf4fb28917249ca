/**
 * Models by name and by path: {@link imvec.zoo.Backbones} opens any model with the engine it
 * needs, the card catalog, {@code models pull} (downloads checked by SHA-256), model sizes and
 * the model table. Sits above the engines. Start with {@link imvec.zoo.Backbones}.
 */
package imvec.zoo;
