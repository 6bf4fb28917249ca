package imvec.cli;

import imvec.report.CompareReport;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "compare", description = "Compare stored layers of runs: model size and parameters, transfer-head probe, "
        + "silhouette on full features, PCA-3 and t-SNE-3, with 2-D/3-D plots, as one Markdown + HTML report.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--runs", required = true, split = ",", description = "Run directories to compare.")
    List<String> runs;

    @Option(names = "--layer-of", split = ",", description = "RUN=LAYER pairs; repeat a run for several of its layers. "
            + "A run with one stored layer needs none.")
    List<String> layerOf = new ArrayList<>();

    @Option(names = "--out", required = true, description = "Directory for compare.md, compare.html, compare.json and the plots.")
    Path out;

    @Option(names = "--test-fraction", defaultValue = "0.2", description = "Rows held out (stratified) to score the probe (default ${DEFAULT-VALUE}).")
    double testFraction;

    @Option(names = "--probe-epochs", defaultValue = "20", description = "Probe training epochs (default ${DEFAULT-VALUE}).")
    int probeEpochs;

    @Option(names = "--linear", description = "Logistic-regression probe instead of the transfer head.")
    boolean linear;

    @Option(names = "--perplexity", defaultValue = "30", description = "t-SNE perplexity (default ${DEFAULT-VALUE}).")
    double perplexity;

    @Option(names = "--tsne-iterations", defaultValue = "1000", description = "t-SNE iterations (default ${DEFAULT-VALUE}).")
    int tsneIterations;

    @Option(names = "--no-plots", description = "Skip the 2-D and 3-D plots (and the extra 2-D t-SNE they need).")
    boolean noPlots;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the split, probe, PCA and t-SNE (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        CompareReport.Builder b = CompareReport.builder().optTestFraction(testFraction).optProbeEpochs(probeEpochs)
                .optLinear(linear).optPerplexity(perplexity).optTsneIterations(tsneIterations).optPlots(!noPlots).optSeed(seed)
                .optProgress(label -> {
                    if (!common.json) System.err.println("  measuring " + label + " …");
                });
        for (Map.Entry<String, List<String>> e : layers().entrySet()) {
            for (String layer : e.getValue()) b.addRun(e.getKey(), Path.of(e.getKey()), layer);
        }
        CompareReport.Summary s = b.build().run(out);
        if (common.json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("rows", s.rows());
            o.put("markdown", s.markdown().toString());
            o.put("html", s.html().toString());
            o.put("json", s.json().toString());
            common.printJson(o);
            return 0;
        }
        System.out.print(CompareReport.tables(s.rows()));
        System.out.println("Wrote " + s.markdown() + ", " + s.html() + ", " + s.json() + ".");
        return 0;
    }

    /** Layers per run, in --runs order; a run without --layer-of uses its only stored layer. */
    private Map<String, List<String>> layers() {
        Map<String, List<String>> chosen = new LinkedHashMap<>();
        for (String r : runs) chosen.put(r, new ArrayList<>());
        for (String pair : layerOf) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) throw new UserError("--layer-of takes RUN=LAYER, not '" + pair + "'.");
            String run = pair.substring(0, eq);
            if (!chosen.containsKey(run)) throw new UserError("--layer-of names run '" + run + "', which is not one of --runs " + runs + ".");
            chosen.get(run).add(pair.substring(eq + 1));
        }
        for (Map.Entry<String, List<String>> e : chosen.entrySet()) {
            if (!e.getValue().isEmpty()) continue;
            List<imvec.store.Manifest.Layer> stored = imvec.store.Manifest.read(Path.of(e.getKey())).layers();
            if (stored.size() != 1) {
                throw new UserError("run " + e.getKey() + " stores layers " + stored.stream().map(imvec.store.Manifest.Layer::name).toList()
                        + "; choose with --layer-of " + e.getKey() + "=LAYER.");
            }
            e.getValue().add(stored.getFirst().name());
        }
        return chosen;
    }
}
