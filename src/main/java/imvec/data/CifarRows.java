package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The rows of CIFAR binary batch files, all in one array: each row is {@code labelBytes} label
 * bytes, then a 32×32 image as three planes (all red, all green, all blue), each row-major.
 */
final class CifarRows {
    static final int SIDE = 32;
    static final int PLANE = SIDE * SIDE;
    static final int IMAGE_BYTES = 3 * PLANE;

    private final byte[] data;
    private final int labelBytes;
    private final int rowBytes;
    private final int count;

    private CifarRows(byte[] data, int labelBytes) {
        this.data = data;
        this.labelBytes = labelBytes;
        this.rowBytes = labelBytes + IMAGE_BYTES;
        this.count = data.length / rowBytes;
    }

    /** Loads the files in order; each must be a whole number of rows. */
    static CifarRows load(List<Path> files, int labelBytes) {
        int rowBytes = labelBytes + IMAGE_BYTES;
        long total = 0;
        for (Path file : files) {
            total += checkedSize(file, rowBytes);
        }
        if (total > Integer.MAX_VALUE - 64) {
            throw new UserError("the CIFAR files in " + files.get(0).getParent() + " hold over 2 GiB, more than imvec reads");
        }
        byte[] data = new byte[(int) total];
        int offset = 0;
        for (Path file : files) {
            offset += readInto(file, data, offset);
        }
        return new CifarRows(data, labelBytes);
    }

    private static long checkedSize(Path file, int rowBytes) {
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
        if (size == 0 || size % rowBytes != 0) {
            throw new UserError(file + " is not a CIFAR binary batch: its " + size + " bytes are not a whole number of "
                    + rowBytes + "-byte rows (" + (rowBytes - IMAGE_BYTES) + " label byte(s) + " + IMAGE_BYTES + " pixels)");
        }
        return size;
    }

    private static int readInto(Path file, byte[] data, int offset) {
        try (InputStream in = Files.newInputStream(file)) {
            int want = (int) Files.size(file);
            int got = in.readNBytes(data, offset, want);
            if (got != want) {
                throw new UserError(file + " changed size while being read");
            }
            return got;
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
    }

    int size() {
        return count;
    }

    /** Label byte {@code k} (0-based) of row {@code index}. */
    int labelByte(int index, int k) {
        return data[index * rowBytes + k] & 0xFF;
    }

    /** Planes to interleaved HWC, which is what {@link Image} and every model input expect. */
    Image image(int index) {
        Objects.checkIndex(index, count);
        int base = index * rowBytes + labelBytes;
        byte[] hwc = new byte[IMAGE_BYTES];
        for (int p = 0; p < PLANE; p++) {
            hwc[3 * p] = data[base + p];
            hwc[3 * p + 1] = data[base + PLANE + p];
            hwc[3 * p + 2] = data[base + 2 * PLANE + p];
        }
        return new Image(SIDE, SIDE, 3, hwc);
    }

    /** Fails when label byte {@code k} exceeds the class list; {@code kind} is "", "fine " or "coarse ". */
    void checkLabels(int k, List<String> classes, String kind, Path dir) {
        for (int i = 0; i < count; i++) {
            int label = labelByte(i, k);
            if (label >= classes.size()) {
                throw new UserError(dir + ": image " + i + " has " + kind + "label " + label
                        + " but there are only " + classes.size() + " " + kind + "class names");
            }
        }
    }

    /**
     * The directory holding {@code marker}: {@code dir} itself, or its child {@code archiveDir}
     * (the folder the official tarball unpacks to), so users may name either.
     */
    static Path resolveDir(Path dir, String marker, String archiveDir, String dataset) {
        DataFiles.requireDirectory(dir, dataset + " directory");
        if (Files.isRegularFile(dir.resolve(marker))) {
            return dir;
        }
        Path inner = dir.resolve(archiveDir);
        if (Files.isRegularFile(inner.resolve(marker))) {
            return inner;
        }
        throw new UserError(dir + " holds neither " + marker + " nor " + archiveDir + "/" + marker
                + "; point at the unpacked " + dataset + " binary version");
    }

    static void requireSplit(String split, String dataset) {
        if (!split.equals("train") && !split.equals("test")) {
            throw new UserError(dataset + " has splits train and test, not '" + split + "'");
        }
    }

    static List<String> namesOr(Path file, List<String> standard) {
        return Files.isRegularFile(file) ? DataFiles.readNames(file) : standard;
    }
}
