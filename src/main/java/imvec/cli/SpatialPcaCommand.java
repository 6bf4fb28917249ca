package imvec.cli;

import imvec.report.RegionViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "pca", description = "PCA of the region embeddings (every location of every image, the layer compared with words):"
        + " points.npy/.csv, explained variance and a scatter coloured by label.")
final class SpatialPcaCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RegionModelOptions m;

    @Option(names = "--dims", defaultValue = "2", description = "Components to keep, 2 or 3 (default: ${DEFAULT-VALUE}).")
    int dims;

    @Option(names = "--word", description = "Colour each location by the word (of these) whose map is highest there instead of by"
            + " its image's label; repeat for more (needs --words).")
    List<String> words = List.of();

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the iterative eigensolver when one is needed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r;
        try (ProgressBar bar = common.progress("maps")) {
            r = RegionViews.pca(m.inputs(), dims, words, seed, out, d -> bar.update(d, d));
        }
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        double[] ratio = (double[]) r.get("explained_variance_ratio");
        StringBuilder s = new StringBuilder();
        double total = 0;
        for (int c = 0; c < ratio.length; c++) {
            s.append(String.format(Locale.ROOT, "%sPC%d %.4f", c == 0 ? "" : ", ", c + 1, ratio[c]));
            total += ratio[c];
        }
        System.out.printf(Locale.ROOT, "PCA of %d region embeddings (%d images × %d dims): explained variance %s (total %.4f).%n",
                r.get("points"), r.get("images"), r.get("input_dims"), s, total);
        System.out.println("Wrote " + out + " (points.npy, points.csv, explained-variance.csv, scatter plots, manifest.json).");
        return 0;
    }
}
