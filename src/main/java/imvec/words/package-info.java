/**
 * Word vectors: GloVe, word2vec and fastText text, word2vec binary and the wink JSON package;
 * phrases averaged, coverage of a class list, and the unit label vectors a visual-semantic model
 * compares with ({@link imvec.words.LabelVectors}). Uses only {@code imvec.util} and {@code imvec.store}.
 * Start with {@link imvec.words.WordVectors}.
 */
package imvec.words;
