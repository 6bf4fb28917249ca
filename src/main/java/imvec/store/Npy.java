package imvec.store;

import imvec.util.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, version 1.0: little-endian float32 ({@code <f4}) and int32
 * ({@code <i4}) arrays in C order, so files load in numpy with a plain {@code np.load}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** A loaded array: exactly one of {@code floats} and {@code ints} is non-null. */
    public record Array(long[] shape, float[] floats, int[] ints) {
        public int rows() {
            return shape.length == 0 ? 1 : (int) shape[0];
        }

        public int cols() {
            long c = 1;
            for (int i = 1; i < shape.length; i++) c *= shape[i];
            return (int) c;
        }

        /** The array as N × D rows; a 1-d array becomes N × 1. */
        public float[][] matrix() {
            if (floats == null) throw new IllegalStateException("an int32 array has no float rows");
            int n = rows(), d = cols();
            float[][] m = new float[n][d];
            for (int i = 0; i < n; i++) System.arraycopy(floats, i * d, m[i], 0, d);
            return m;
        }
    }

    /** The header (magic, version, dict, padding) for an array; data follows it directly. */
    public static byte[] header(String descr, long... shape) {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) s.append(shape.length == 1 ? "," : ", ");
        }
        s.append("), }");
        // numpy pads the header with spaces so the data starts at a multiple of 64 bytes.
        int unpadded = MAGIC.length + 2 + 2 + s.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        s.append(" ".repeat(pad)).append('\n');
        byte[] dict = s.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 4 + dict.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) dict.length).put(dict);
        return b.array();
    }

    public static void writeFloats(OutputStream out, float[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.min(data.length, 1 << 16) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < data.length; ) {
            int len = Math.min(b.capacity() / 4, data.length - off);
            b.clear();
            b.asFloatBuffer().put(data, off, len);
            out.write(b.array(), 0, len * 4);
            off += len;
        }
    }

    public static void writeInts(OutputStream out, int[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.min(data.length, 1 << 16) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < data.length; ) {
            int len = Math.min(b.capacity() / 4, data.length - off);
            b.clear();
            b.asIntBuffer().put(data, off, len);
            out.write(b.array(), 0, len * 4);
            off += len;
        }
    }

    /** Writes float32 data of the given shape atomically. */
    public static void write(Path file, float[] data, long... shape) throws IOException {
        checkCount(data.length, shape);
        AtomicFiles.write(file, out -> {
            out.write(header("<f4", shape));
            writeFloats(out, data);
        });
    }

    /** Writes int32 data of the given shape atomically. */
    public static void write(Path file, int[] data, long... shape) throws IOException {
        checkCount(data.length, shape);
        AtomicFiles.write(file, out -> {
            out.write(header("<i4", shape));
            writeInts(out, data);
        });
    }

    /** Writes an N × D matrix as float32. */
    public static void write(Path file, float[][] rows) throws IOException {
        int d = rows.length == 0 ? 0 : rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * d, d);
        write(file, flat, rows.length, d);
    }

    private static void checkCount(int n, long[] shape) {
        long want = 1;
        for (long s : shape) want *= s;
        if (want != n) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + want + " values, got " + n);
    }

    /** Reads a float32/float64/int32/int64 array (float64 and int64 are narrowed). */
    public static Array read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, file);
            byte[] magic = new byte[6];
            pre.flip().get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new UserError(file + " is not a .npy file (bad magic).");
            int major = pre.get() & 0xFF;
            pre.get();
            int headerLen;
            if (major == 1) {
                headerLen = pre.getShort() & 0xFFFF;
            } else {
                ByteBuffer more = ByteBuffer.allocate(2);
                readFully(ch, more, file);
                headerLen = ByteBuffer.wrap(new byte[]{pre.get(8), pre.get(9), more.get(0), more.get(1)})
                        .order(ByteOrder.LITTLE_ENDIAN).getInt();
            }
            // Sizes come from the file's own header: check them against the file before allocating.
            if (headerLen < 0 || headerLen > ch.size() - ch.position()) {
                throw new UserError(file + " has a malformed .npy header: it announces " + Integer.toUnsignedString(headerLen)
                        + " header bytes, more than the file holds.");
            }
            ByteBuffer hb = ByteBuffer.allocate(headerLen);
            readFully(ch, hb, file);
            String dict = new String(hb.array(), StandardCharsets.ISO_8859_1);
            String descr = find(DESCR, dict, file);
            if (find(ORDER, dict, file).equals("True")) throw new UserError(file + " is in Fortran order; save it with C order.");
            long[] shape = parseShape(find(SHAPE, dict, file), file);
            long count = 1;
            for (long s : shape) {
                if (s < 0) throw new UserError(file + " has a malformed .npy header: negative size " + s + " in its shape.");
                count = s == 0 ? 0 : count > Integer.MAX_VALUE / s ? Long.MAX_VALUE : count * s;
            }
            if (count > Integer.MAX_VALUE - 8) throw new UserError(file + " has more values than one array can hold.");
            return readData(ch, file, descr, shape, (int) count);
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** What a .npy header says: dtype, shape, and where the data starts, for reading big arrays piece by piece. */
    public record Header(String descr, long[] shape, long dataOffset) {
    }

    /** Reads only the header of a C-order .npy file. */
    public static Header header(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, pre, file);
            byte[] magic = new byte[6];
            pre.flip().get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new UserError(file + " is not a .npy file (bad magic).");
            int major = pre.get() & 0xFF;
            pre.get();
            long headerLen = major == 1 ? pre.getShort() & 0xFFFF : pre.getInt() & 0xFFFFFFFFL;
            long start = major == 1 ? 10 : 12;
            if (headerLen > ch.size() - start) throw new UserError(file + " is not a .npy file (its header is longer than the file).");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.position(start);
            readFully(ch, hb, file);
            String dict = new String(hb.array(), StandardCharsets.ISO_8859_1);
            if (find(ORDER, dict, file).equals("True")) throw new UserError(file + " is in Fortran order; save it with C order.");
            return new Header(find(DESCR, dict, file), parseShape(find(SHAPE, dict, file), file), start + headerLen);
        } catch (IOException e) {
            throw new UserError("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Array readData(FileChannel ch, Path file, String descr, long[] shape, int n) throws IOException {
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = descr.substring(1);
        int width = switch (kind) {
            case "f4", "i4" -> 4;
            case "f8", "i8" -> 8;
            default -> throw new UserError(file + " holds dtype " + descr + "; imvec reads float32, float64, int32 and int64.");
        };
        long bytes = (long) n * width;
        if (bytes > ch.size() - ch.position()) {
            throw new UserError(file + " is truncated: its header announces " + n + " values, but only "
                    + (ch.size() - ch.position()) + " bytes follow.");
        }
        if (bytes > Integer.MAX_VALUE - 8) throw new UserError(file + " holds more than 2 GiB of values, more than imvec reads at once.");
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(order);
        readFully(ch, b, file);
        b.flip();
        switch (kind) {
            case "f4" -> {
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                return new Array(shape, f, null);
            }
            case "f8" -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) f[i] = (float) b.getDouble();
                return new Array(shape, f, null);
            }
            case "i4" -> {
                int[] v = new int[n];
                b.asIntBuffer().get(v);
                return new Array(shape, null, v);
            }
            default -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    long x = b.getLong();
                    if (x != (int) x) throw new UserError(file + " holds int64 value " + x + " at " + i + ", outside the int32 range imvec reads.");
                    v[i] = (int) x;
                }
                return new Array(shape, null, v);
            }
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new UserError(file + " is truncated.");
        }
    }

    private static String find(Pattern p, String dict, Path file) {
        Matcher m = p.matcher(dict);
        if (!m.find()) throw new UserError(file + " has a malformed .npy header: " + dict.trim());
        return m.group(1);
    }

    private static long[] parseShape(String s, Path file) {
        try {
            return Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty())
                    .mapToLong(t -> Long.parseLong(t.replace("L", ""))).toArray();
        } catch (NumberFormatException e) {
            throw new UserError(file + " has a malformed .npy header: its shape (" + s + ") is not a list of whole numbers.", e);
        }
    }

    /** Reads an N × D float matrix (a 1-d array gives N × 1). */
    public static float[][] readMatrix(Path file) {
        Array a = read(file);
        if (a.floats() == null) {
            float[] f = new float[a.ints().length];
            for (int i = 0; i < f.length; i++) f[i] = a.ints()[i];
            a = new Array(a.shape(), f, null);
        }
        return a.matrix();
    }

    /** Reads a 1-d integer array (labels); float arrays must hold whole numbers. */
    public static int[] readInts(Path file) {
        Array a = read(file);
        if (a.ints() != null) return a.ints();
        int[] v = new int[a.floats().length];
        for (int i = 0; i < v.length; i++) {
            float f = a.floats()[i];
            if (f != Math.rint(f)) throw new UserError(file + " holds non-integer value " + f + " at " + i + "; labels must be integers.");
            v[i] = (int) f;
        }
        return v;
    }

}
