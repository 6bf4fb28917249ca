/**
 * Analyses over matrices and labels: PCA, Barnes-Hut t-SNE, silhouette, linear probe and
 * transfer head, RSA, 2-vs-2, 1-vs-2 and their permutation tests, the diversity of region embeddings
 * ({@link imvec.analysis.RegionVectors}). Pure functions of float
 * matrices: nothing here opens a model, an image or a run directory, and the package may use
 * only {@code imvec.util}. Start with {@link imvec.analysis.Pca} and {@link imvec.analysis.TwoVsTwo}.
 */
package imvec.analysis;
