package imvec.extract;

import imvec.model.Tensor;
import imvec.util.UserError;

import java.util.Locale;

/** How a spatial activation map [n, C, H, W] becomes one row per image. */
public enum Pool {
    /** Mean over H × W: one value per channel. */
    AVG,
    /** Maximum over H × W: one value per channel. */
    MAX,
    /** All C × H × W values in C order. */
    FLATTEN;

    public static Pool parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "avg", "mean" -> AVG;
            case "max" -> MAX;
            case "flatten", "none" -> FLATTEN;
            default -> throw new UserError("unknown pooling '" + s + "'; use avg, max or flatten.");
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Row length after pooling a tensor of this shape (batch first). */
    public long width(long[] shape) {
        if (shape.length <= 2 || this == FLATTEN) {
            long d = 1;
            for (int i = 1; i < shape.length; i++) d *= shape[i];
            return d;
        }
        return shape[1];
    }

    /** Pools a batch; tensors of rank ≤ 2 pass through unchanged. */
    public float[] apply(Tensor t) {
        long[] s = t.shape();
        if (s.length <= 2 || this == FLATTEN) return t.data();
        int n = (int) s[0], c = (int) s[1];
        int plane = t.rowLength() / c;
        float[] out = new float[n * c];
        float[] in = t.data();
        for (int i = 0; i < n * c; i++) {
            int base = i * plane;
            if (this == AVG) {
                double sum = 0;
                for (int k = 0; k < plane; k++) sum += in[base + k];
                out[i] = (float) (sum / plane);
            } else {
                float m = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < plane; k++) m = Math.max(m, in[base + k]);
                out[i] = m;
            }
        }
        return out;
    }
}
