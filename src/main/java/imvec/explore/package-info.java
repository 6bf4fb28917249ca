/**
 * {@code imvec explore}: a local web explorer over one run. {@link imvec.explore.ExploreRun} holds the
 * run's rows, labels, predictions and its reopened data set; {@link imvec.explore.Layouts} computes and
 * caches PCA and t-SNE maps; {@link imvec.explore.ThumbnailAtlas} caches thumbnails as atlas pages;
 * {@link imvec.explore.LabelJournal} is the append-only labels file; {@link imvec.explore.ExploreServer}
 * serves it all over Javalin with the safety rules (token, Host check, images by row, never by path).
 * Extension points: {@link imvec.explore.WordScorer} (a word ranks the run) and
 * {@link imvec.explore.LocalisationMaps} (where a word sits in one image); {@link imvec.explore.SpatialExplorer}
 * fills both with the spatial visual-semantic model ({@code --spatial}), over the head's region
 * embeddings of the run's images, built once in the background into a memory-mapped disk cache in the
 * run directory ({@link imvec.spatial.RegionCache}; the server answers 202 with the progress until it
 * is ready), and adds layouts along words, diversity, clusters and map search; every call into
 * {@code imvec.spatial} goes through it. The front end lives in
 * {@code src/main/resources/imvec/explore} as plain ES modules; three.js and d3 come from WebJars.
 * Presentation layer: may use everything below it, never {@code imvec.cli}.
 */
package imvec.explore;
