package imvec.cli;

import imvec.classvec.ConfusionPairs;
import imvec.classvec.ConfusionSkipGram;
import imvec.report.ClassVectorReport;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "confusion", description = "Confusion vectors: skip-gram on (true class, top-K predicted class) pairs of a run.")
final class ConfusionCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--run", required = true, description = "A run written by `imvec extract --topk K`.")
    Path run;

    @Option(names = "--top", defaultValue = "3", description = "Predictions per image to pair with its true class (default ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--dim", defaultValue = "5", description = "Vector dimension (default ${DEFAULT-VALUE}, the paper's for 10 classes).")
    int dim;

    @Option(names = "--epochs", defaultValue = "20", description = "Passes over the pairs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--objective", defaultValue = "softmax", description = "softmax (exact, default) or negative (negative sampling).")
    String objective;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        ConfusionSkipGram.Objective o = switch (objective.toLowerCase(Locale.ROOT)) {
            case "softmax" -> ConfusionSkipGram.Objective.SOFTMAX;
            case "negative", "negative-sampling" -> ConfusionSkipGram.Objective.NEGATIVE_SAMPLING;
            default -> throw new UserError("--objective must be softmax or negative, not '" + objective + "'.");
        };
        ConfusionSkipGram sg = ConfusionSkipGram.builder().optDims(dim).optEpochs(epochs).optObjective(o).optSeed(seed).build();
        ConfusionPairs pairs = ConfusionPairs.fromRun(run, top);
        ConfusionSkipGram.Result r = sg.train(pairs);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "confusion skip-gram");
        s.put("run", run.toString());
        s.put("top", top);
        s.put("images", pairs.images());
        s.put("pairs", r.pairs());
        s.put("dim", dim);
        s.put("objective", o.name().toLowerCase(Locale.ROOT));
        s.put("epochs", epochs);
        s.put("learning_rate", sg.learningRate());
        s.put("seed", seed);
        s.put("epoch_loss", r.epochLoss());
        s.put("unseen_classes", r.unseen());
        ClassVectorReport.Written w = ClassVectorReport.write(out, r.vectors(), "confusion vectors of " + run.getFileName(), "confusion.json", s);
        if (common.json) {
            s.put("files", w.files());
            if (w.table() != null) s.put("cosine", w.table().matrix());
            common.printJson(s);
            return 0;
        }
        System.out.printf(Locale.ROOT, "Confusion vectors of %s: %d pairs from %d images (top %d), dim %d, %s, loss %.4f → %.4f.%n",
                run, r.pairs(), pairs.images(), top, dim, s.get("objective"), r.epochLoss()[0], r.epochLoss()[epochs - 1]);
        if (!r.unseen().isEmpty()) common.warn("no image of " + r.unseen() + " in the run; they get no vector.");
        if (w.table() != null) System.out.print(w.table().markdown(0));
        System.out.println("Wrote " + out + " (vectors.txt, cosine.md/csv/png, pca-raw, pca-normalised, confusion.json).");
        return 0;
    }
}
