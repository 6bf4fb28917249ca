package imvec.cli;

import imvec.report.PcaReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "pca", description = "PCA of rows to 2-D or 3-D, with explained variance and plots coloured by class (one colour without labels).")
final class PcaCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    MatrixInput input;

    @Option(names = "--dims", defaultValue = "2", description = "Components to keep (default ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = {"--normalise", "--normalize"}, description = "L2-normalise each row before centring.")
    boolean normalise;

    @Option(names = "--out", description = "Directory for pca.npy, pca.json and the plots (PNG and SVG).")
    Path out;

    @Override
    public Integer call() throws Exception {
        PcaReport.Summary s = PcaReport.run(input.loadLabelsOptional(), dims, normalise, out);
        if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("source", s.source());
            m.put("n", s.n());
            m.put("input_dims", s.inputDims());
            m.put("dims", s.dims());
            m.put("normalised_rows", s.normalised());
            m.put("explained_variance_ratio", s.explainedVarianceRatio());
            m.put("seconds", s.seconds());
            m.put("files", s.files());
            if (out == null) m.put("coordinates", s.coordinates());
            common.printJson(m);
            return 0;
        }
        StringBuilder ratios = new StringBuilder();
        double total = 0;
        for (int i = 0; i < s.dims(); i++) {
            ratios.append(String.format(Locale.ROOT, "%sPC%d %.4f", i == 0 ? "" : ", ", i + 1, s.explainedVarianceRatio()[i]));
            total += s.explainedVarianceRatio()[i];
        }
        System.out.printf(Locale.ROOT, "PCA of %s (%d rows × %d dims%s): explained variance %s (total %.4f), %.2f s.%n",
                s.source(), s.n(), s.inputDims(), s.normalised() ? ", rows L2-normalised" : "", ratios, total, s.seconds());
        if (out != null) System.out.println("Wrote " + String.join(", ", s.files()));
        return 0;
    }
}
