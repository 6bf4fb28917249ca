package imvec.cli;

import imvec.bench.ExploreSpatialBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "explore-spatial", description = "The explorer's spatial features on a run: building the disk cache of region embeddings (or reusing it), its size, the heap in use, and the seconds of a new word's layout, diversity and clusters (goal: a new word in a few seconds at 70,000 images).")
final class BenchExploreSpatialCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--run", required = true, description = "The run directory to explore.")
    Path run;

    @Option(names = "--spatial", required = true, description = "A spatial model directory (from `imvec spatial train`).")
    Path spatial;

    @Option(names = "--words", description = "Word vectors (default: the file the model was trained with).")
    Path words;

    @Option(names = "--compare-float32", split = ",", description = "Also build a float32 cache and compare its scores with float16's for these comma-separated words.")
    List<String> compare = List.of();

    @Override
    public Integer call() {
        ExploreSpatialBench.Result r;
        try (ProgressBar bar = common.progress("region embeddings")) {
            r = ExploreSpatialBench.run(run, spatial, words, compare, bar::update);
        }
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.printf(Locale.ROOT, "%,d images, %d cores; region cache %s in %s: %s in %.1f s, %.2f GB on disk; heap in use after the words %.0f MB of %.0f MB%n",
                r.images(), r.cores(), r.layout(), r.storage(), r.reused() ? "reused" : "built", r.buildSeconds(), r.cacheBytes() / 1e9,
                r.heapUsedBytes() / 1e6, r.heapMaxBytes() / 1e6);
        for (ExploreSpatialBench.Timing t : r.timings()) System.out.printf(Locale.ROOT, "%-70s %7.2f s  (load before %s)%n", t.what(), t.seconds(), t.loadBefore());
        for (ExploreSpatialBench.Precision p : r.float32()) {
            System.out.printf(Locale.ROOT, "float16 against float32, '%s': largest score difference %.2e, mean %.2e; top 100 shared %d; Spearman %.6f%n",
                    p.word(), p.maxAbsDifference(), p.meanAbsDifference(), p.top100Shared(), p.spearman());
        }
        System.out.println("load before / after: " + r.loadBefore() + " / " + r.loadAfter());
        return 0;
    }
}
