package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Moving head parameters between Java arrays and DJL arrays. */
final class Heads {
    private Heads() {
    }

    /** The parameters as arrays of {@code manager}, float64 when {@code doubles} (for gradient checks). */
    static NDList arrays(NDManager manager, List<Head.Param> params, boolean doubles, boolean gradients) {
        NDList out = new NDList();
        for (Head.Param p : params) {
            NDArray a = doubles ? manager.create(toDoubles(p.values()), new Shape(p.shape()))
                    : manager.create(p.values(), new Shape(p.shape()));
            if (gradients) a.setRequiresGradient(true);
            out.add(a);
        }
        return out;
    }

    static double[] toDoubles(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }

    /** {@code values} checked name by name and shape by shape against {@code expected}. */
    static List<Head.Param> matching(List<Head.Param> expected, List<Head.Param> values) {
        if (expected.size() != values.size()) {
            throw new IllegalArgumentException("the head has " + expected.size() + " parameters, got " + values.size());
        }
        List<Head.Param> out = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            Head.Param e = expected.get(i), v = values.get(i);
            if (!e.name().equals(v.name()) || !Arrays.equals(e.shape(), v.shape())) {
                throw new IllegalArgumentException("parameter " + v.name() + " " + Arrays.toString(v.shape())
                        + " does not fit " + e.name() + " " + Arrays.toString(e.shape()));
            }
            out.add(v);
        }
        return List.copyOf(out);
    }
}
