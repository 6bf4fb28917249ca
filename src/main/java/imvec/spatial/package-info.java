/**
 * The spatial visual-semantic model: every location of a backbone's last conv map is embedded in
 * word space, so one model scores any label word (zero-shot), localises it, and projects image
 * collections along words. Cached backbone maps ({@link imvec.spatial.FeatureMaps}), the heads
 * ({@link imvec.spatial.CosineMapHead}, and the pooled baseline {@link imvec.spatial.PooledHead}),
 * training ({@link imvec.spatial.SpatialTraining}), scoring ({@link imvec.spatial.SpatialModel#score})
 * and the scores directory ({@link imvec.spatial.ScoresDir}). ConSE is not built yet.
 * A pipeline package: uses engines (onnx, train), words, data, store and model.
 */
package imvec.spatial;
