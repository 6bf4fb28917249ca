package imvec.data;

import java.io.IOException;
import java.util.List;

/**
 * A labelled image collection with random access. Implementations are safe to read from
 * several threads at once, because extraction decodes in parallel with inference.
 */
public interface ImageSet {
    /** The spec that opened this set, e.g. {@code fashion-mnist:test}; recorded as provenance. */
    String spec();

    int size();

    /** Class names; label {@code k} names {@code classes().get(k)}. */
    List<String> classes();

    int label(int index);

    /** A stable identifier of image {@code index} (file path inside the set, or split:index). */
    String id(int index);

    /** Decodes image {@code index}; throws {@link UnreadableImageException} when it cannot. */
    Image read(int index) throws IOException;

    /**
     * Decodes image {@code index} for a consumer that will only shrink it to {@code minWidth ×
     * minHeight} (the model's input): a JPEG decoder may then decode at a reduced DCT scale not
     * below that size, recorded in {@link Image#origin()}. Sets without such a decoder read full size.
     */
    default Image read(int index, int minWidth, int minHeight) throws IOException {
        return read(index);
    }

    /**
     * Decodes image {@code index} and writes its model input ({@link Preprocess#apply(Image, float[], int)})
     * into {@code dst} at {@code offset}. Sets of encoded files override it to decode and
     * preprocess without allocating an image per file; the values are the same either way.
     */
    default void readInto(int index, Preprocess pre, float[] dst, int offset) throws IOException {
        pre.apply(read(index, pre.width(), pre.height()), dst, offset);
    }
}
