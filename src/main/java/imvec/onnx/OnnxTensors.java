package imvec.onnx;

import imvec.onnx.proto.OnnxProto.StringStringEntryProto;
import imvec.onnx.proto.OnnxProto.TensorProto;
import imvec.util.UserError;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/** Values of ONNX {@code TensorProto}s (initializers, Constant nodes) as Java arrays. */
public final class OnnxTensors {
    public static final int FLOAT = 1;
    static final int INT32 = 6;
    public static final int INT64 = 7;
    static final int DOUBLE = 11;

    private OnnxTensors() {
    }

    public static long[] dims(TensorProto t) {
        return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
    }

    public static boolean isFloating(TensorProto t) {
        return t.getDataType() == FLOAT || t.getDataType() == DOUBLE;
    }

    /** Float or double tensor values as float32, C order. */
    public static float[] floats(TensorProto t, Path model) {
        int n = (int) count(t);
        switch (t.getDataType()) {
            case FLOAT -> {
                if (t.getFloatDataCount() == n && n > 0) {
                    float[] out = new float[n];
                    for (int i = 0; i < n; i++) out[i] = t.getFloatData(i);
                    return out;
                }
                float[] out = new float[n];
                bytes(t, model, 4L * n).asFloatBuffer().get(out);
                return out;
            }
            case DOUBLE -> {
                float[] out = new float[n];
                if (t.getDoubleDataCount() == n && n > 0) {
                    for (int i = 0; i < n; i++) out[i] = (float) t.getDoubleData(i);
                } else {
                    ByteBuffer b = bytes(t, model, 8L * n);
                    for (int i = 0; i < n; i++) out[i] = (float) b.getDouble();
                }
                return out;
            }
            default -> throw new UserError("tensor '" + t.getName() + "' of " + model.getFileName() + " has ONNX element type "
                    + t.getDataType() + "; imvec imports float weights only.");
        }
    }

    /** Integer tensor values (shapes, axes), or floats truncated when a model stores them so. */
    public static long[] longs(TensorProto t, Path model) {
        int n = (int) count(t);
        long[] out = new long[n];
        switch (t.getDataType()) {
            case INT64 -> {
                if (t.getInt64DataCount() == n && n > 0) {
                    for (int i = 0; i < n; i++) out[i] = t.getInt64Data(i);
                } else {
                    bytes(t, model, 8L * n).asLongBuffer().get(out);
                }
            }
            case INT32 -> {
                if (t.getInt32DataCount() == n && n > 0) {
                    for (int i = 0; i < n; i++) out[i] = t.getInt32Data(i);
                } else {
                    ByteBuffer b = bytes(t, model, 4L * n);
                    for (int i = 0; i < n; i++) out[i] = b.getInt();
                }
            }
            case FLOAT, DOUBLE -> {
                float[] f = floats(t, model);
                for (int i = 0; i < n; i++) out[i] = (long) f[i];
            }
            default -> throw new UserError("tensor '" + t.getName() + "' of " + model.getFileName() + " has ONNX element type "
                    + t.getDataType() + ", which imvec cannot read as integers.");
        }
        return out;
    }

    private static long count(TensorProto t) {
        long n = 1;
        for (long d : t.getDimsList()) n *= d;
        return n;
    }

    /** The raw little-endian bytes, from the proto itself or from the external file beside the model. */
    private static ByteBuffer bytes(TensorProto t, Path model, long length) {
        byte[] raw;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            raw = external(t, model, length);
        } else {
            raw = t.getRawData().toByteArray();
        }
        if (raw.length != length) {
            throw new UserError("tensor '" + t.getName() + "' of " + model.getFileName() + " holds " + raw.length
                    + " bytes where its shape needs " + length + ".");
        }
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] external(TensorProto t, Path model, long length) {
        String location = null;
        long offset = 0;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = Long.parseLong(e.getValue());
                default -> { }
            }
        }
        if (location == null) throw new UserError("tensor '" + t.getName() + "' of " + model + " is external but names no file.");
        Path file = model.toAbsolutePath().resolveSibling(location).normalize();
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] out = new byte[(int) length];
            in.seek(offset);
            in.readFully(out);
            return out;
        } catch (IOException e) {
            throw new UserError("cannot read the weights of '" + t.getName() + "' from " + file + ": " + e.getMessage(), e);
        }
    }
}
