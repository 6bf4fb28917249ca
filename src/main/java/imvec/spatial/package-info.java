/**
 * The spatial visual-semantic model: every location of a backbone's last conv map is embedded in
 * word space, so one model scores any label word (zero-shot), localises it, and projects image
 * collections along words. Cached backbone maps ({@link imvec.spatial.FeatureMaps}), the heads
 * ({@link imvec.spatial.CosineMapHead}, and the baselines: the pooled {@link imvec.spatial.PooledHead} and
 * ConSE, {@link imvec.spatial.Conse}, which uses the backbone's own classifier and has no maps),
 * training ({@link imvec.spatial.SpatialTraining}; with {@code --tune-from} the backbone's tail after
 * a tensor trains with the head, through {@code imvec.finetune.TrainableTail}), scoring ({@link imvec.spatial.SpatialModel#score})
 * into a scores directory ({@link imvec.spatial.ScoresDirectory} writes and reads it), the evaluation
 * of a scores directory against masks ({@link imvec.spatial.SceneEvaluation}) and map search
 * ({@link imvec.spatial.MapQuery}, {@link imvec.spatial.MapSearcher}). The region analyses start
 * from {@link imvec.spatial.AppliedModel} (a model applied to a collection, inputs checked first):
 * {@link imvec.spatial.RegionEmbeddings} (the head's 1×1 conv at every location, the layer compared
 * with words, and each image's diversity), {@link imvec.spatial.RegionCache} (a collection's region
 * embeddings on disk, float16 and memory-mapped, scored against any word without the backbone: what
 * the explorer reads), {@link imvec.spatial.WordClusters} (images around given
 * words) and {@link imvec.spatial.RegionPca}. A pipeline
 * package: uses engines (onnx, train), extract, analysis, words, data, store and model; the metrics
 * themselves are pure functions in {@code imvec.analysis}.
 */
package imvec.spatial;
