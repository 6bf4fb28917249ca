/**
 * Class embeddings and their comparison: Im2Vec (the inverse of a linear classifier's second
 * weight matrix), confusion skip-gram vectors, centroids, cosine tables and group means. Uses
 * data, store, words, the model contract and the analyses, never an inference engine. Start with
 * {@link imvec.classvec.Im2Vec} and {@link imvec.classvec.ConfusionSkipGram}.
 */
package imvec.classvec;
