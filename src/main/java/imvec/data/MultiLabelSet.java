package imvec.data;

import java.io.IOException;
import java.util.List;

/**
 * Images with any number of labels each, and optionally a per-pixel mask: mosaic scenes, PASCAL
 * VOC, COCO exports. The multi-label sibling of {@link ImageSet}; safe to read from several threads.
 */
public interface MultiLabelSet {
    /** The spec that opened this set; recorded as provenance. */
    String spec();

    int size();

    /** Class names; label {@code k} names {@code classes().get(k)}. Background is not a class. */
    List<String> classes();

    /** The distinct class indices present in image {@code index}, ascending. */
    int[] labels(int index);

    /** A stable identifier of image {@code index} (its path inside the set). */
    String id(int index);

    Image read(int index) throws IOException;

    /** Whether {@link #mask} gives masks for this set. */
    boolean hasMasks();

    /** The mask of image {@code index}, the same size as the image; null when the set has none. */
    Mask mask(int index) throws IOException;

    /**
     * A per-pixel class map, row-major: {@link #BACKGROUND} for background, {@code k + 1} for
     * class k, {@link #IGNORE} for pixels no metric counts (object borders in PASCAL VOC, stored
     * there as 255). In memory IGNORE is −1 so that sets of more than 254 classes (ImageNet) fit.
     */
    record Mask(int width, int height, short[] values) {
        public static final short BACKGROUND = 0;
        public static final short IGNORE = -1;

        public Mask {
            if (values.length != width * height) {
                throw new IllegalArgumentException("a " + width + "×" + height + " mask needs " + width * height
                        + " values, not " + values.length);
            }
        }

        /** The class index at row y, column x, or −1 for background and ignored pixels. */
        public int classAt(int y, int x) {
            int v = values[y * width + x];
            return v == BACKGROUND || v == IGNORE ? -1 : v - 1;
        }

        public boolean ignored(int y, int x) {
            return values[y * width + x] == IGNORE;
        }
    }
}
