/**
 * The formats of a run directory: {@code manifest.json} (provenance), float32 {@code .npy}
 * matrices, labelled matrices read back from a run, and atomic file writes. Uses only
 * {@code imvec.util}. Start with {@link imvec.store.Manifest} and {@link imvec.store.Npy}.
 */
package imvec.store;
