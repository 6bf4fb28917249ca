/**
 * Labelled image sets and their readers (IDX, CIFAR binary, image folders and tarballs, label
 * CSVs), data specs, decoding, resizing and normalisation ({@link imvec.data.Preprocess}); multi-label
 * sets with masks ({@link imvec.data.MultiLabelSet}, opened by {@link imvec.data.MultiLabelSpecs}),
 * mosaic scenes built from any labelled set ({@link imvec.data.MosaicScenes}) and seeded
 * seen/unseen class splits ({@link imvec.data.ClassSplit}).
 * Uses only {@code imvec.util} and the atomic file helpers of {@code imvec.store}. Start with
 * {@link imvec.data.ImageSet} and {@link imvec.data.DataSpecs}.
 */
package imvec.data;
