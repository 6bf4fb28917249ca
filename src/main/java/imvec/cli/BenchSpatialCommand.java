package imvec.cli;

import imvec.bench.SpatialBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "spatial", description = "The spatial head on cached maps (synthetic, MobileNet's 768×14×14 at 448): training scenes/s, and seconds to score 10,000 scenes against 100 words (goal < 10 s), float32 beside the float64 path and beside scoring cached region embeddings.")
final class BenchSpatialCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--train-scenes", defaultValue = "256", description = "Scenes the head trains on (default ${DEFAULT-VALUE}).")
    int trainScenes;

    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs; the first only warms up (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--scenes", defaultValue = "10000", description = "Cached scenes to score (default ${DEFAULT-VALUE}).")
    int scenes;

    @Option(names = "--words", defaultValue = "100", description = "Words to score them against (default ${DEFAULT-VALUE}).")
    int words;

    @Option(names = "--float64-scenes", defaultValue = "500", description = "Scenes also scored on the float64 path, for comparison; 0 skips it (default ${DEFAULT-VALUE}).")
    int float64Scenes;

    @Option(names = "--threads", defaultValue = "2", description = "PyTorch threads (default ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() {
        SpatialBench.Result r;
        try (ProgressBar bar = common.progress("bench")) {
            r = SpatialBench.run(trainScenes, epochs, scenes, words, float64Scenes, threads, bar::update);
        }
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.printf(Locale.ROOT, "Maps: %s; %d threads on %d cores.%n", r.maps(), r.threads(), r.cores());
        SpatialBench.Training t = r.training();
        StringBuilder epochs = new StringBuilder();
        for (double e : t.epochSeconds()) epochs.append(String.format(Locale.ROOT, " %.1f", e));
        System.out.printf(Locale.ROOT, "Training (%s head, %d scenes, %d labels per scene, batch %d): %.1f scenes/s after warm-up; epoch seconds:%s; load before: %s%n",
                t.head(), t.scenes(), t.labelsPerScene(), t.batch(), t.scenesPerSecond(), epochs, t.loadBefore());
        print(r.float32());
        if (r.float64() != null) print(r.float64());
        SpatialBench.Embedding e = r.embedding();
        System.out.printf(Locale.ROOT, "Embedding the scenes once into region embeddings (word-independent, %.0f KB a scene): %.2f s for %d, so %.1f s for 10,000%n",
                e.bytesPerScene() / 1024.0, e.seconds(), e.scenes(), e.secondsFor10k());
        print(r.regions());
        System.out.printf(Locale.ROOT, "Goal (10,000 cached scenes × 100 words in under 10 s, from cached region embeddings): %s; load after: %s%n",
                r.goalMet() ? "met" : "missed", r.loadAfter());
        return 0;
    }

    private static void print(SpatialBench.Scoring s) {
        System.out.printf(Locale.ROOT, "Scoring, %s: %d scenes × %d words in %.2f s, %.0f scenes/s, so %.1f s for 10,000; load before: %s%n",
                s.path(), s.scenes(), s.words(), s.seconds(), s.scenesPerSecond(), s.secondsFor10k(), s.loadBefore());
    }
}
