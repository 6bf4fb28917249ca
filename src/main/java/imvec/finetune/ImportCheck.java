package imvec.finetune;

import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.onnx.OnnxBackbone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whether an imported block computes what ONNX Runtime computes: ONNX Runtime runs the whole
 * model on a batch and hands the start tensor to the block; each output of the block is then
 * compared with ONNX Runtime's own value of it.
 */
public final class ImportCheck {
    /** One output: largest absolute difference, and for {@code [N, K]} outputs how many rows agree on the top class. */
    public record Output(String name, long[] shape, double maxAbsDiff, Integer sameTop1) {
    }

    /** The comparison over all outputs; {@code nodes} is how many nodes were imported. */
    public record Result(String model, String from, int images, int nodes, List<Output> outputs) {
        public double maxAbsDiff() {
            return outputs.stream().mapToDouble(Output::maxAbsDiff).max().orElse(0);
        }
    }

    private ImportCheck() {
    }

    /**
     * @param onnx    the model under ONNX Runtime
     * @param from    the tensor to import from (the graph input imports everything)
     * @param outputs outputs to compare, or null for every declared output computed from {@code from}
     * @param nchw    {@code n} preprocessed images in the model's input layout
     */
    public static Result run(OnnxBackbone onnx, String from, List<String> outputs, float[] nchw, int n) {
        ImportedBlock block = OnnxImport.builder().setGraph(onnx.graph()).setFrom(from).optOutputs(outputs).build();
        List<String> fetch = new ArrayList<>();
        fetch.add(from);
        fetch.addAll(block.outputs());
        Map<String, Tensor> reference = onnx.forward(nchw, n, fetch);
        Tensor start = reference.get(from);
        List<Output> compared = new ArrayList<>();
        try (ImportedNet net = ImportedNet.of(block, Arrays.copyOfRange(start.shape(), 1, start.shape().length))) {
            Map<String, Tensor> got = net.forward(start);
            for (String name : block.outputs()) compared.add(compare(name, got.get(name), reference.get(name)));
        }
        return new Result(onnx.path().toString(), from, n, block.nodes().size(), compared);
    }

    private static Output compare(String name, Tensor got, Tensor want) {
        if (!Arrays.equals(got.shape(), want.shape())) {
            throw new IllegalStateException("imported " + name + " has shape " + Arrays.toString(got.shape())
                    + " but ONNX Runtime's has " + Arrays.toString(want.shape()));
        }
        double max = 0;
        for (int i = 0; i < got.data().length; i++) max = Math.max(max, Math.abs((double) got.data()[i] - want.data()[i]));
        Integer same = want.shape().length == 2 ? sameTop1(got, want) : null;
        return new Output(name, want.shape(), max, same);
    }

    private static int sameTop1(Tensor a, Tensor b) {
        int n = a.batch(), k = a.rowLength(), same = 0;
        for (int i = 0; i < n; i++) if (argMax(a.data(), i * k, k) == argMax(b.data(), i * k, k)) same++;
        return same;
    }

    static int argMax(float[] v, int from, int length) {
        int best = 0;
        for (int j = 1; j < length; j++) if (v[from + j] > v[from + best]) best = j;
        return best;
    }

    /** Seeded random images in [0, 1], normalised by the card, for a check without a dataset. */
    public static float[] randomImages(ModelCard card, int n, long seed) {
        int plane = card.height() * card.width(), c = card.channels();
        float[] x = new float[n * c * plane];
        Random random = new Random(seed);
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int p = 0; p < plane; p++) {
                    x[(i * c + ch) * plane + p] = (random.nextFloat() - card.mean()[ch]) / card.std()[ch];
                }
            }
        }
        return x;
    }

    /** Output name → max abs difference, for JSON. */
    public static Map<String, Double> differences(Result r) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Output o : r.outputs()) out.put(o.name(), o.maxAbsDiff());
        return out;
    }
}
