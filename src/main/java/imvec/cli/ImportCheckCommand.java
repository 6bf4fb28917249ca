package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageTensors;
import imvec.data.IndexedSubset;
import imvec.finetune.ImportCheck;
import imvec.model.Backbone;
import imvec.onnx.OnnxBackbone;
import imvec.util.UserError;
import imvec.util.Version;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import-check", description = "Import the part of an ONNX model after a tensor into DJL/PyTorch and compare it with ONNX Runtime.")
final class ImportCheckCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    ModelOptions modelOptions;

    @Option(names = "--from", required = true, description = "Tensor to import from (the graph input imports the whole model).")
    String from;

    @Option(names = "--outputs", split = ",", description = "Outputs to compare (default: every graph output computed from --from).")
    List<String> outputs;

    @Option(names = "--data", description = "Dataset spec to take sample images from (default: seeded random images).")
    String data;

    @Option(names = "--images", defaultValue = "8", description = "Sample images, spread over the dataset (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the random images when there is no --data.")
    long seed;

    @Override
    public Integer call() {
        if (images < 1) throw new UserError("--images must be at least 1, got " + images + ".");
        try (Backbone model = modelOptions.open()) {
            if (!(model instanceof OnnxBackbone onnx)) {
                throw new UserError(modelOptions.model + " is not an ONNX model; import-check imports ONNX graphs.");
            }
            var pre = modelOptions.preprocess(model);
            float[] x;
            int n;
            if (data != null) {
                ImageTensors t = ImageTensors.load(IndexedSubset.spread(DataSpecs.open(data, null), images), pre, null);
                x = t.x();
                n = t.n();
            } else {
                x = ImportCheck.randomImages(model.card(), images, seed);
                n = images;
            }
            ImportCheck.Result r = ImportCheck.run(onnx, from, outputs, x, n);
            print(r);
            return 0;
        }
    }

    private void print(ImportCheck.Result r) {
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", r.model());
            out.put("from", r.from());
            out.put("data", data == null ? "random:seed=" + seed : data);
            out.put("images", r.images());
            out.put("imported_nodes", r.nodes());
            out.put("max_abs_diff", r.maxAbsDiff());
            out.put("outputs", r.outputs());
            out.put("imvec_version", Version.get());
            common.printJson(out);
            return;
        }
        System.out.printf(Locale.ROOT, "Imported %d nodes of %s after '%s'; compared on %d %s images:%n", r.nodes(),
                r.model(), r.from(), r.images(), data == null ? "random" : data);
        int w = r.outputs().stream().mapToInt(o -> o.name().length()).max().orElse(6);
        for (ImportCheck.Output o : r.outputs()) {
            System.out.printf(Locale.ROOT, "  %-" + w + "s  %-18s max |diff| %.3g%s%n", o.name(), Arrays.toString(o.shape()),
                    o.maxAbsDiff(), o.sameTop1() == null ? "" : "  same top-1 " + o.sameTop1() + "/" + r.images());
        }
        System.out.printf(Locale.ROOT, "Max abs difference: %.3g%n", r.maxAbsDiff());
    }
}
