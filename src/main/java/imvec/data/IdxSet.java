package imvec.data;

import imvec.util.UserError;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An image set from a pair of IDX files (MNIST layout): greyscale images N×rows×cols and one
 * label byte per image. All pixels live in one array so {@link #read} is a slice copy.
 */
public final class IdxSet implements ImageSet {
    private final String spec;
    private final String idPrefix;
    private final List<String> classes;
    private final int rows;
    private final int cols;
    private final byte[] pixels;
    private final byte[] labels;

    private IdxSet(String spec, String idPrefix, List<String> classes, IdxFile images, IdxFile labelFile) {
        this.spec = spec;
        this.idPrefix = idPrefix;
        this.classes = classes;
        this.rows = images.dims()[1];
        this.cols = images.dims()[2];
        this.pixels = images.data();
        this.labels = labelFile.data();
    }

    /** Reads plain IDX files; classes are the label values "0".."max label". */
    public static IdxSet read(Path images, Path labels) {
        return read(images, labels, "idx:" + images + "," + labels, images.getFileName() + ":", null);
    }

    /**
     * Reads IDX files with known class names (e.g. Fashion-MNIST); {@code classes} null means
     * digits. Ids are {@code idPrefix + index}.
     */
    static IdxSet read(Path images, Path labels, String spec, String idPrefix, List<String> classes) {
        IdxFile imageFile = IdxFile.read(images, IdxFile.IMAGES_MAGIC, "images");
        IdxFile labelFile = IdxFile.read(labels, IdxFile.LABELS_MAGIC, "labels");
        int count = imageFile.dims()[0];
        if (labelFile.dims()[0] != count) {
            throw new UserError(images + " holds " + count + " images but " + labels + " holds "
                    + labelFile.dims()[0] + " labels");
        }
        if (count == 0) {
            throw new UserError(images + " holds no images");
        }
        if (imageFile.dims()[1] == 0 || imageFile.dims()[2] == 0) {
            throw new UserError(images + " holds images of " + imageFile.dims()[1] + "x" + imageFile.dims()[2]
                    + " pixels; an image needs at least one");
        }
        int maxLabel = maxLabel(labelFile.data());
        List<String> names = classes != null ? classes : digitNames(maxLabel);
        if (maxLabel >= names.size()) {
            throw new UserError(labels + " has label " + maxLabel + " but " + spec + " has only "
                    + names.size() + " classes");
        }
        return new IdxSet(spec, idPrefix, names, imageFile, labelFile);
    }

    private static int maxLabel(byte[] labels) {
        int max = 0;
        for (byte b : labels) {
            max = Math.max(max, b & 0xFF);
        }
        return max;
    }

    private static List<String> digitNames(int maxLabel) {
        return IntStream.rangeClosed(0, maxLabel).mapToObj(Integer::toString).toList();
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return labels.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index] & 0xFF;
    }

    @Override
    public String id(int index) {
        return idPrefix + index;
    }

    @Override
    public Image read(int index) {
        java.util.Objects.checkIndex(index, size());
        int n = rows * cols;
        byte[] px = new byte[n];
        System.arraycopy(pixels, index * n, px, 0, n);
        return new Image(cols, rows, 1, px);
    }
}
