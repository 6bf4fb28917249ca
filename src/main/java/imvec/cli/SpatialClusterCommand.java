package imvec.cli;

import imvec.report.RegionViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cluster", description = "Group images around given words: each goes to the word it scores highest on"
        + " (clusters.csv, one contact sheet per cluster).")
final class SpatialClusterCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    SpatialModelOptions m;

    @Option(names = "--word", required = true, description = "A word to cluster around; give at least two.")
    List<String> words;

    @Option(names = "--min-score", defaultValue = "0", description = "Images whose best score is below this go to 'none' (default: ${DEFAULT-VALUE}).")
    double minScore;

    @Option(names = "--per-sheet", defaultValue = "60", description = "Most images on a cluster's contact sheet, highest scores first (default: ${DEFAULT-VALUE}).")
    int perSheet;

    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r;
        try (ProgressBar bar = common.progress("maps")) {
            r = RegionViews.cluster(new RegionViews.Inputs(m.model, m.data, m.words, m.names), words, minScore, perSheet, out,
                    d -> bar.update(d, d));
        }
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.println("Clustered " + r.get("images") + " images around " + words + ":");
        ((Map<?, ?>) r.get("counts")).forEach((word, count) -> System.out.println("  " + word + "\t" + count));
        System.out.println("Wrote " + out + " (clusters.csv, scores.csv, a contact sheet per cluster, manifest.json).");
        return 0;
    }
}
