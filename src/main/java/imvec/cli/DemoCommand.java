package imvec.cli;

import imvec.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Fashion-MNIST end to end: train a CNN, extract every layer, PCA and silhouette per layer, report.html.")
final class DemoCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--out", defaultValue = "runs/demo", description = "Where the model, run and report go (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--epochs", defaultValue = "2", description = "Training epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    int seed;

    @Override
    public Integer call() throws Exception {
        Demo.Result r;
        try (StageBars bars = new StageBars(common)) {
            r = new Demo(out, epochs, seed, bars).run();
        }
        if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("report", r.report().toString());
            m.put("model", r.model().toString());
            m.put("run", r.run().toString());
            m.put("test_accuracy", r.testAccuracy());
            m.put("layers", r.layers());
            m.put("seconds", r.seconds());
            m.put("spatial", r.spatial());
            m.put("explore", exploreCommand(r));
            common.printJson(m);
            return 0;
        }
        System.out.printf(Locale.ROOT, "%s fm-cnn: test accuracy %.4f.%n", r.trained() ? "Trained" : "Reused", r.testAccuracy());
        System.out.printf("%-28s %6s %11s%n", "layer", "dims", "silhouette");
        for (Demo.LayerRow l : r.layers()) System.out.printf(Locale.ROOT, "%-28s %6d %11.4f%n", l.layer(), l.dims(), l.silhouette());
        if (r.spatial() != null) {
            Map<String, Object> s = r.spatial();
            System.out.printf(Locale.ROOT, "Spatial model, zero-shot on %s mosaics of the unseen %s: mAP %.3f, localisation mIoU %.3f at %.2f (%s), map-search P@10 %s.%n",
                    s.get("unseen_scenes"), s.get("unseen"), (Double) s.get("unseen_map"), (Double) s.get("unseen_miou"), (Double) s.get("threshold"),
                    s.get("map_normalisation"),
                    s.get("search_p_at_10") == null ? "n/a" : String.format(Locale.ROOT, "%.3f", (Double) s.get("search_p_at_10")));
        }
        System.out.println("Report: " + r.report().toAbsolutePath());
        System.out.println("Explore the images: " + exploreCommand(r));
        return 0;
    }

    /** The command that opens the demo's run in the explorer (the demo starts no server itself). */
    static String exploreCommand(Demo.Result r) {
        return "./imvec explore --run " + r.run().toAbsolutePath();
    }

    /** One progress bar per stage, with the stage named above it. */
    private static final class StageBars implements Demo.Listener, AutoCloseable {
        private final Common common;
        private ProgressBar bar;

        StageBars(Common common) {
            this.common = common;
        }

        @Override
        public void stage(String name) {
            close();
            if (!common.json) System.err.println("imvec: " + name);
            bar = common.progress("");
        }

        @Override
        public void progress(long done, long total) {
            if (bar != null) bar.update(done, total);
        }

        @Override
        public void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }
}
