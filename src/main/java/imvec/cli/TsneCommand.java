package imvec.cli;

import imvec.analysis.Tsne;
import imvec.report.TsneReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "tsne", description = "t-SNE of labelled rows to 2-D (PNG/SVG scatter) or 3-D (rotatable HTML page), coloured by class.")
final class TsneCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    MatrixInput input;

    @Option(names = "--dims", defaultValue = "2", description = "Output dimensions, 2 or 3 (default ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--perplexity", defaultValue = "30", description = "Effective number of neighbours (default ${DEFAULT-VALUE}).")
    double perplexity;

    @Option(names = "--iterations", defaultValue = "1000", description = "Gradient steps, the 250 exaggerated ones included (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--learning-rate", description = "Step size (default max(N/48, 50), scikit-learn's 'auto').")
    Double learningRate;

    @Option(names = "--theta", defaultValue = "0.5", description = "Barnes-Hut accuracy; 0 for the exact gradient (default ${DEFAULT-VALUE}).")
    double theta;

    @Option(names = "--pca", defaultValue = "0", description = "Reduce to this many principal components first, e.g. 50 (default: off).")
    int pca;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Directory for tsne.npy, tsne.json and the plot.")
    Path out;

    @Override
    public Integer call() throws Exception {
        var m = input.loadLabelsOptional();
        TsneReport.Summary s;
        try (ProgressBar bar = common.progress("t-SNE")) {
            Tsne.Builder b = Tsne.builder().optDimensions(dims).optPerplexity(perplexity).optIterations(iterations)
                    .optTheta(theta).optPcaDimensions(pca).optSeed(seed)
                    .optCallback((done, total, kl) -> bar.update(done, total));
            if (learningRate != null) b.optLearningRate(learningRate);
            s = TsneReport.run(m, b, out);
        }
        Tsne.Result r = s.result();
        if (common.json) {
            Map<String, Object> json = TsneReport.provenance(m, r);
            json.put("files", s.files());
            if (out == null) json.put("coordinates", r.embedding());
            common.printJson(json);
            return 0;
        }
        System.out.printf(Locale.ROOT, "t-SNE of %s (%d rows × %d dims%s) to %d-D: KL divergence %.4f (%s), "
                        + "%d iterations, %.1f s (affinities %.1f s, optimisation %.1f s).%n",
                s.source(), s.n(), r.inputDims(), r.pcaDims() > 0 ? ", PCA to " + r.pcaDims() : "", r.dims(),
                r.klDivergence(), r.klExact() ? "exact" : "Barnes-Hut estimate", r.iterations(), r.seconds().total(),
                r.seconds().affinities(), r.seconds().optimisation());
        if (out != null) System.out.println("Wrote " + String.join(", ", s.files()));
        return 0;
    }
}
