/**
 * The spatial visual-semantic model of issue 13: words compared with image regions at the last
 * convolutional layer. This side holds the scores directory ({@link imvec.spatial.ScoresDirectory}),
 * the evaluation of section 3 ({@link imvec.spatial.SceneEvaluation}) and map search
 * ({@link imvec.spatial.MapQuery}, {@link imvec.spatial.MapSearcher}). Pipeline layer: may use
 * engines, extract, analysis, words, data, store and model; the metrics themselves are pure
 * functions in {@code imvec.analysis}.
 */
package imvec.spatial;
