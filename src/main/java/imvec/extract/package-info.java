/**
 * The extraction pipeline: decoding threads ahead of inference, batches through any
 * {@link imvec.model.Backbone}, pooling of spatial layers, top-k predictions and chunked,
 * resumable commits into a run directory. Knows backbones only through the {@code imvec.model}
 * contract. Start with {@link imvec.extract.Extractor}.
 */
package imvec.extract;
