package imvec.cli;

import imvec.report.RegionViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "diversity", description = "How varied each image's regions are (spread of its region embeddings): diversity.csv and a"
        + " thumbnail strip, or with --word a scatter of diversity against that word's score.")
final class SpatialDiversityCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    RegionModelOptions m;

    @Option(names = "--word", description = "Plot diversity against this word's score (needs --words).")
    String word;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the strip's random spread (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Directory to write.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r;
        try (ProgressBar bar = common.progress("maps")) {
            r = RegionViews.diversity(m.inputs(), word, seed, out, d -> bar.update(d, d));
        }
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.printf(Locale.ROOT, "Diversity of %d images: mean %.4f; most diverse %s.%n", r.get("images"),
                (Double) r.get("mean_diversity"), ((java.util.List<?>) r.get("most_diverse")).isEmpty() ? "-"
                        : ((Map<?, ?>) ((java.util.List<?>) r.get("most_diverse")).get(0)).get("id"));
        System.out.println("Wrote " + out + " (diversity.csv, diversity.png, manifest.json).");
        return 0;
    }
}
