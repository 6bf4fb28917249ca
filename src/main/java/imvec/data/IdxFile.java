package imvec.data;

import imvec.util.UserError;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * One IDX file (the MNIST format): a magic of two zero bytes, a type byte and a dimension
 * count, then one big-endian int per dimension, then the samples in row-major order.
 * Only unsigned bytes (type 0x08) are read, which is what MNIST-style datasets use.
 */
record IdxFile(Path path, int[] dims, byte[] data) {
    static final int UNSIGNED_BYTE = 0x08;
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;

    /** Reads a file whose magic must be {@code expectedMagic}; gzip or raw. */
    static IdxFile read(Path path, int expectedMagic, String role) {
        try (InputStream raw = DataFiles.openMaybeGzipped(path);
             DataInputStream in = new DataInputStream(raw)) {
            int magic = readHeaderInt(in, path);
            checkMagic(path, magic, expectedMagic, role);
            int[] dims = new int[magic & 0xFF];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = readHeaderInt(in, path);
            }
            byte[] data = readBody(in, path, sampleCount(path, dims));
            return new IdxFile(path, dims, data);
        } catch (EOFException e) {
            throw new UserError(path + " is truncated (its gzip stream ends early)", e);
        } catch (ZipException e) {
            throw new UserError(path + " is not a valid gzip file (" + DataFiles.describe(e) + ")", e);
        } catch (IOException e) {
            throw DataFiles.unreadable(path, e);
        }
    }

    private static int readHeaderInt(DataInputStream in, Path path) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new UserError(path + " is too short to be an IDX file (its header is cut off)", e);
        }
    }

    private static void checkMagic(Path path, int magic, int expected, String role) {
        if (magic == expected) {
            return;
        }
        if ((magic >>> 16) != 0) {
            throw new UserError(path + " is not an IDX file (magic " + hex(magic) + ", expected "
                    + hex(expected) + " for " + role + ")");
        }
        int type = (magic >>> 8) & 0xFF;
        if (type != UNSIGNED_BYTE) {
            throw new UserError(path + " holds IDX samples of type " + String.format("0x%02X", type)
                    + "; only unsigned bytes (0x08) are supported for " + role);
        }
        throw new UserError(path + " is an IDX file with " + (magic & 0xFF) + " dimension(s), but "
                + role + " need " + (expected & 0xFF) + " (magic " + hex(expected) + ")");
    }

    private static int sampleCount(Path path, int[] dims) {
        long total = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new UserError(path + " announces a negative dimension (" + d + ")");
            }
            total *= d;
            // Java arrays stop just short of 2^31; one byte[] keeps read(i) a plain copy.
            if (total > Integer.MAX_VALUE - 64) {
                throw new UserError(path + " is too large for imvec's IDX reader (over 2 GiB of samples)");
            }
        }
        return (int) total;
    }

    private static byte[] readBody(InputStream in, Path path, int expected) throws IOException {
        byte[] data = in.readNBytes(expected);
        if (data.length < expected) {
            throw new UserError(path + " is truncated: it holds " + data.length + " of the "
                    + expected + " sample bytes its header announces");
        }
        if (in.read() != -1) {
            throw new UserError(path + " has bytes beyond the " + expected
                    + " samples its header announces; it is not a well-formed IDX file");
        }
        return data;
    }

    private static String hex(int v) {
        return String.format("0x%08X", v);
    }
}
