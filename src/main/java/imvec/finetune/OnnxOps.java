package imvec.finetune;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import imvec.onnx.proto.OnnxProto.AttributeProto;
import imvec.onnx.proto.OnnxProto.NodeProto;
import imvec.util.UserError;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * ONNX operators as functions of DJL arrays, written with differentiable PyTorch ops so an
 * imported graph can be trained. Attributes and constant inputs (shapes, clip bounds) are read
 * once at import; weights arrive as arrays at run time, so they can be parameters.
 */
final class OnnxOps {
    /** Every op type {@link #kernel} translates, for the error on anything else. */
    static final List<String> SUPPORTED = List.of("Conv", "BatchNormalization", "Relu", "Clip", "LeakyRelu", "Sigmoid",
            "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Flatten", "Reshape", "Gemm", "MatMul",
            "Add", "Sub", "Mul", "Div", "Concat", "Dropout", "Identity", "Softmax");

    /** One node: input arrays in the node's input order (null for absent or import-time inputs). */
    interface Kernel {
        NDArray apply(NDArray[] in);
    }

    /** What a kernel may ask about its node's surroundings at import time. */
    interface Context {
        int opset();

        /** Integer values of a constant input (initializer or Constant node); null when the input is computed. */
        long[] constantLongs(String tensor);

        /** Float values of a constant input; null when the input is computed. */
        float[] constantFloats(String tensor);

        String where();
    }

    private OnnxOps() {
    }

    /** Input positions read at import time rather than fed as arrays. */
    static Set<Integer> importTimeInputs(String op) {
        return switch (op) {
            case "Reshape" -> Set.of(1);
            case "Clip", "Dropout" -> Set.of(1, 2);
            default -> Set.of();
        };
    }

    /** Input positions that hold statistics rather than trainable weights. */
    static Set<Integer> frozenInputs(String op) {
        return op.equals("BatchNormalization") ? Set.of(3, 4) : Set.of();
    }

    static Kernel kernel(NodeProto node, Context ctx) {
        Attributes a = new Attributes(node, ctx.where());
        return switch (node.getOpType()) {
            case "Conv" -> conv(a, ctx);
            case "BatchNormalization" -> batchNorm(a);
            case "Relu" -> in -> Activation.relu(in[0]);
            case "Sigmoid" -> in -> Activation.sigmoid(in[0]);
            case "LeakyRelu" -> leakyRelu(a);
            case "Clip" -> clip(node, a, ctx);
            case "MaxPool" -> pool(a, ctx, true);
            case "AveragePool" -> pool(a, ctx, false);
            case "GlobalAveragePool" -> in -> global(in[0], false);
            case "GlobalMaxPool" -> in -> global(in[0], true);
            case "Flatten" -> flatten(a);
            case "Reshape" -> reshape(node, a, ctx);
            case "Gemm" -> gemm(a);
            case "MatMul" -> in -> in[0].matMul(in[1]);
            case "Add" -> in -> in[0].add(in[1]);
            case "Sub" -> in -> in[0].sub(in[1]);
            case "Mul" -> in -> in[0].mul(in[1]);
            case "Div" -> in -> in[0].div(in[1]);
            case "Concat" -> concat(a);
            case "Dropout", "Identity" -> in -> in[0];
            case "Softmax" -> softmax(a, ctx);
            default -> throw unsupported(node, ctx);
        };
    }

    static UserError unsupported(NodeProto node, Context ctx) {
        String domain = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx") ? "" : node.getDomain() + ".";
        return new UserError("cannot import node '" + nodeName(node) + "' of " + ctx.where() + ": op " + domain
                + node.getOpType() + " is not supported (imvec imports " + String.join(", ", SUPPORTED)
                + "); import from a tensor after it.");
    }

    static String nodeName(NodeProto node) {
        return node.getName().isEmpty() ? node.getOutput(0) : node.getName();
    }

    // ---- convolution and pooling -----------------------------------------------------------

    private static Kernel conv(Attributes a, Context ctx) {
        long[] strides = a.ints("strides", 1, 1);
        long[] dilations = a.ints("dilations", 1, 1);
        long[] pads = a.ints("pads", 0, 0, 0, 0);
        String autoPad = a.string("auto_pad", "NOTSET");
        int group = (int) a.integer("group", 1);
        return in -> {
            NDArray x = in[0], w = in[1];
            requireRank(x, 4, "Conv", a.where);
            long[] kernel = {w.getShape().get(2), w.getShape().get(3)};
            long[] p = padding(x.getShape(), kernel, strides, dilations, pads, autoPad);
            NDArray bias = in.length > 2 && in[2] != null ? in[2] : x.getManager().zeros(new Shape(w.getShape().get(0)));
            Shape stride = new Shape(strides), dilation = new Shape(dilations);
            if (p[0] == p[2] && p[1] == p[3]) {
                return Conv2d.conv2d(x, w, bias, stride, new Shape(p[0], p[1]), dilation, group).singletonOrThrow();
            }
            return Conv2d.conv2d(pad(x, p, 0), w, bias, stride, new Shape(0, 0), dilation, group).singletonOrThrow();
        };
    }

    private static Kernel pool(Attributes a, Context ctx, boolean max) {
        long[] kernel = a.ints("kernel_shape");
        if (kernel == null || kernel.length != 2) {
            throw new UserError("node '" + a.name + "' of " + a.where + " pools over " + (kernel == null ? "no" : kernel.length)
                    + " dimensions; imvec imports 2-D pooling only.");
        }
        long[] strides = a.ints("strides", 1, 1);
        long[] pads = a.ints("pads", 0, 0, 0, 0);
        long[] dilations = a.ints("dilations", 1, 1);
        if (dilations[0] != 1 || dilations[1] != 1) {
            throw new UserError("node '" + a.name + "' of " + a.where + " uses dilated pooling, which imvec does not import.");
        }
        String autoPad = a.string("auto_pad", "NOTSET");
        boolean ceil = a.integer("ceil_mode", 0) != 0;
        boolean includePad = a.integer("count_include_pad", 0) != 0;
        Shape k = new Shape(kernel), s = new Shape(strides);
        return in -> {
            NDArray x = in[0];
            requireRank(x, 4, max ? "MaxPool" : "AveragePool", a.where);
            long[] p = padding(x.getShape(), kernel, strides, dilations, pads, autoPad);
            boolean unpadded = p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
            boolean symmetric = p[0] == p[2] && p[1] == p[3] && 2 * p[0] <= kernel[0] && 2 * p[1] <= kernel[1];
            // DJL's PyTorch average pool counts padding whatever it is told, so only MaxPool and
            // pad-counting AveragePool use PyTorch's own padding.
            if (unpadded || symmetric && (max || includePad)) {
                Shape native_ = new Shape(p[0], p[1]);
                return max ? Pool.maxPool2d(x, k, s, native_, ceil) : Pool.avgPool2d(x, k, s, native_, ceil, includePad);
            }
            Shape none = new Shape(0, 0);
            if (max) return Pool.maxPool2d(pad(x, p, Double.NEGATIVE_INFINITY), k, s, none, ceil);
            NDArray sum = Pool.avgPool2d(pad(x, p, 0), k, s, none, ceil, true);
            if (includePad) return sum;
            // Uneven padding without counting it: divide by the share of each window that is real input.
            NDArray share = Pool.avgPool2d(pad(x.getManager().ones(new Shape(1, 1, x.getShape().get(2), x.getShape().get(3))), p, 0),
                    k, s, none, ceil, true);
            return sum.div(share);
        };
    }

    /** ONNX pads [top, left, bottom, right]; auto_pad SAME_* computes them from the input size. */
    static long[] padding(Shape x, long[] kernel, long[] strides, long[] dilations, long[] pads, String autoPad) {
        switch (autoPad) {
            case "NOTSET" -> {
                return pads;
            }
            case "VALID" -> {
                return new long[4];
            }
            case "SAME_UPPER", "SAME_LOWER" -> {
                long[] p = new long[4];
                for (int d = 0; d < 2; d++) {
                    long in = x.get(2 + d);
                    long out = (in + strides[d] - 1) / strides[d];
                    long span = (kernel[d] - 1) * dilations[d] + 1;
                    long total = Math.max(0, (out - 1) * strides[d] + span - in);
                    long small = total / 2, large = total - small;
                    p[d] = autoPad.equals("SAME_UPPER") ? small : large;
                    p[d + 2] = autoPad.equals("SAME_UPPER") ? large : small;
                }
                return p;
            }
            default -> throw new UserError("auto_pad '" + autoPad + "' is not an ONNX padding mode.");
        }
    }

    /** Pads the two spatial axes; DJL (like torch.nn.functional.pad) lists the last axis first. */
    private static NDArray pad(NDArray x, long[] p, double value) {
        return x.pad(new Shape(p[1], p[3], p[0], p[2]), value);
    }

    /** Mean or max over every axis after the channels, kept as size 1 (PyTorch reduces one axis at a time here). */
    private static NDArray global(NDArray x, boolean max) {
        NDArray y = x;
        for (int axis = x.getShape().dimension() - 1; axis >= 2; axis--) {
            y = max ? y.max(new int[] {axis}, true) : y.mean(new int[] {axis}, true);
        }
        return y;
    }

    // ---- normalisation and activations -----------------------------------------------------

    private static Kernel batchNorm(Attributes a) {
        float epsilon = a.real("epsilon", 1e-5f);
        // Inference statistics always: the running mean and variance are never updated, so a
        // fine-tuned block normalises exactly as the pretrained one did; scale and shift train.
        return in -> BatchNorm.batchNorm(in[0], in[3], in[4], in[1], in[2], 1, 0.9f, epsilon, false).singletonOrThrow();
    }

    private static Kernel leakyRelu(Attributes a) {
        float alpha = a.real("alpha", 0.01f);
        return in -> Activation.leakyRelu(in[0], alpha);
    }

    private static Kernel clip(NodeProto node, Attributes a, Context ctx) {
        float min, max;
        if (ctx.opset() < 11) {
            min = a.real("min", -Float.MAX_VALUE);
            max = a.real("max", Float.MAX_VALUE);
        } else {
            min = bound(node, 1, -Float.MAX_VALUE, ctx);
            max = bound(node, 2, Float.MAX_VALUE, ctx);
        }
        return in -> in[0].clip(min, max);
    }

    private static float bound(NodeProto node, int index, float absent, Context ctx) {
        if (node.getInputCount() <= index || node.getInput(index).isEmpty()) return absent;
        float[] v = ctx.constantFloats(node.getInput(index));
        if (v == null || v.length != 1) {
            throw new UserError("node '" + nodeName(node) + "' of " + ctx.where() + " clips to a computed bound '"
                    + node.getInput(index) + "'; imvec imports constant bounds only.");
        }
        return v[0];
    }

    private static Kernel softmax(Attributes a, Context ctx) {
        if (ctx.opset() >= 13) {
            long axis = a.integer("axis", -1);
            return in -> in[0].softmax((int) normalisedAxis(axis, in[0]));
        }
        // Before opset 13 Softmax flattens to 2-D at the axis and normalises each row.
        long axis = a.integer("axis", 1);
        return in -> {
            Shape s = in[0].getShape();
            int ax = (int) normalisedAxis(axis, in[0]);
            return in[0].reshape(new Shape(s.slice(0, ax).size(), s.slice(ax).size())).softmax(1).reshape(s);
        };
    }

    // ---- shapes and linear algebra ---------------------------------------------------------

    private static Kernel flatten(Attributes a) {
        long axis = a.integer("axis", 1);
        return in -> {
            Shape s = in[0].getShape();
            int ax = (int) (axis < 0 ? axis + s.dimension() : axis);
            return in[0].reshape(new Shape(s.slice(0, ax).size(), s.slice(ax).size()));
        };
    }

    private static Kernel reshape(NodeProto node, Attributes a, Context ctx) {
        long[] target = ctx.constantLongs(node.getInput(1));
        if (target == null) {
            throw new UserError("node '" + nodeName(node) + "' of " + ctx.where() + " reshapes to a computed shape '"
                    + node.getInput(1) + "'; imvec imports constant shapes only.");
        }
        boolean allowZero = a.integer("allowzero", 0) != 0;
        return in -> {
            long[] dims = target.clone();
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] == 0 && !allowZero) dims[i] = in[0].getShape().get(i);
            }
            return in[0].reshape(new Shape(dims));
        };
    }

    private static Kernel gemm(Attributes a) {
        boolean transA = a.integer("transA", 0) != 0, transB = a.integer("transB", 0) != 0;
        float alpha = a.real("alpha", 1f), beta = a.real("beta", 1f);
        return in -> {
            NDArray left = transA ? in[0].transpose() : in[0];
            NDArray right = transB ? in[1].transpose() : in[1];
            NDArray y = left.matMul(right);
            if (alpha != 1f) y = y.mul(alpha);
            if (in.length > 2 && in[2] != null) y = y.add(beta == 1f ? in[2] : in[2].mul(beta));
            return y;
        };
    }

    private static Kernel concat(Attributes a) {
        Long axis = a.has("axis") ? a.integer("axis", 0) : null;
        if (axis == null) throw new UserError("node '" + a.name + "' of " + a.where + " is a Concat without an axis.");
        return in -> NDArrays.concat(new NDList(Arrays.stream(in).filter(x -> x != null).toArray(NDArray[]::new)),
                (int) normalisedAxis(axis, in[0]));
    }

    private static long normalisedAxis(long axis, NDArray x) {
        return axis < 0 ? axis + x.getShape().dimension() : axis;
    }

    private static void requireRank(NDArray x, int rank, String op, String where) {
        if (x.getShape().dimension() != rank) {
            throw new UserError(op + " in " + where + " got a tensor of shape " + x.getShape()
                    + "; imvec imports the 2-D (rank " + rank + ") form only.");
        }
    }

    /** A node's attributes by name, with ONNX defaults. */
    private static final class Attributes {
        private final NodeProto node;
        final String name;
        final String where;

        Attributes(NodeProto node, String where) {
            this.node = node;
            this.name = nodeName(node);
            this.where = where;
        }

        boolean has(String key) {
            return find(key) != null;
        }

        private AttributeProto find(String key) {
            for (AttributeProto at : node.getAttributeList()) if (at.getName().equals(key)) return at;
            return null;
        }

        long integer(String key, long fallback) {
            AttributeProto at = find(key);
            return at == null ? fallback : at.getI();
        }

        float real(String key, float fallback) {
            AttributeProto at = find(key);
            return at == null ? fallback : at.getF();
        }

        String string(String key, String fallback) {
            AttributeProto at = find(key);
            return at == null ? fallback : at.getS().toStringUtf8();
        }

        long[] ints(String key, long... fallback) {
            AttributeProto at = find(key);
            if (at == null) return fallback.length == 0 ? null : fallback;
            return at.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }
    }
}
