package imvec.cli;

import imvec.bench.ExtractBench;
import imvec.bench.Im2VecBench;
import imvec.bench.SilhouetteBench;
import imvec.bench.TsneBench;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.IndexedSubset;
import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.Backbone;
import imvec.train.Architectures;
import imvec.train.Training;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Measure speed on this machine.",
        subcommands = {BenchCommand.Extract.class, BenchCommand.Train.class, BenchCommand.Tsne.class,
                BenchCommand.Semantics.class, BenchCommand.SilhouetteBench.class, BenchCommand.Im2VecBench.class,
                BenchCommand.ExploreBench.class, BenchSpatialCommand.class, BenchExploreSpatialCommand.class})
final class BenchCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.err.println("imvec: say what to measure: `imvec bench extract …` or `imvec bench train …`.");
        return 2;
    }

    @Command(name = "extract", description = "End-to-end extraction images/s (decode + preprocess + inference + store) beside the engine's raw rate on pre-decoded tensors.")
    static final class Extract implements Callable<Integer> {
        @Mixin
        Common common;

        @Mixin
        ModelOptions modelOptions;

        @Option(names = "--data", required = true, description = "Dataset spec.")
        String data;

        @Option(names = "--layers", split = ",", description = "Layers to tap (default: the card's output layer).")
        List<String> layers;

        @Option(names = "--images", defaultValue = "512", description = "Images to time (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "32", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--torch", description = "Also time a torchvision pipeline (DataLoader, 2 workers) running the same ONNX graph with torch, with this Python (e.g. /usr/bin/python3 with Debian's python3-torch, python3-torchvision, python3-onnx, python3-psutil); needs --data folder:DIR.")
        java.nio.file.Path python;

        @Option(names = "--torch-script", defaultValue = "scripts/bench/extract_torchvision.py", description = "The reference script (default ${DEFAULT-VALUE}).")
        java.nio.file.Path script;

        @Override
        public Integer call() throws Exception {
            ImageSet set = DataSpecs.open(data, null);
            ExtractBench.Torch torch = null;
            if (python != null) {
                if (!data.startsWith("folder:") || !java.nio.file.Files.isDirectory(java.nio.file.Path.of(data.substring(7)))) {
                    throw new imvec.util.UserError("--torch needs --data folder:DIR with the images as files, not " + data + ".");
                }
                if (!modelOptions.model.toString().endsWith(".onnx")) throw new imvec.util.UserError("--torch needs an .onnx --model.");
                torch = new ExtractBench.Torch(python, script, modelOptions.model, java.nio.file.Path.of(data.substring(7)));
            }
            try (Backbone model = modelOptions.open(); ProgressBar bar = common.progress("bench")) {
                List<String> names = layers != null ? layers : List.of(model.card().outputLayer());
                ExtractBench.Result r = ExtractBench.run(set, model, modelOptions.preprocess(model),
                        LayerRequest.parseAll(names, Pool.AVG, model), images, batch, bar::update, torch);
                bar.close();
                if (common.json) {
                    common.printJson(r);
                } else {
                    System.out.printf(Locale.ROOT, "%d images, batch %d, %d cores, layers %s%n", r.images(), r.batch(), r.cores(), r.layers());
                    System.out.printf(Locale.ROOT, "  JPEG decoder: %s%n", r.jpegDecoder());
                    System.out.printf(Locale.ROOT, "  end to end : %8.1f images/s (%.2f s)%n", r.endToEndImagesPerSecond(), r.endToEndSeconds());
                    System.out.printf(Locale.ROOT, "  engine only: %8.1f images/s (%.2f s)%n", r.rawImagesPerSecond(), r.rawSeconds());
                    System.out.printf(Locale.ROOT, "  ratio      : %8.3f%n", r.ratio());
                    System.out.printf(Locale.ROOT, "  decode only: %8.1f images/s (%.2f s, decode and preprocess on all cores)%n",
                            r.decodeImagesPerSecond(), r.decodeSeconds());
                    System.out.printf(Locale.ROOT, "  CPU ms/image: end to end %.1f, engine %.1f, decode %.1f; CPU ratio %.3f%n",
                            r.endToEndCpuMsPerImage(), r.rawCpuMsPerImage(), r.decodeCpuMsPerImage(), r.cpuRatio());
                    for (var d : List.of(r.decodeOneThread(), r.decodeTwoThreads())) {
                        System.out.printf(Locale.ROOT, "  read + decode + preprocess, %d thread%s: %.2f CPU ms/image per thread (process %.2f), %.2f ms of wall per image%n",
                                d.threads(), d.threads() == 1 ? "" : "s", d.threadCpuMsPerImage(), d.processCpuMsPerImage(), d.wallMsPerImage());
                    }
                    System.out.printf(Locale.ROOT, "  during end to end: GC %d collections, %.0f ms; the engine waited %.0f ms for decoded batches%n",
                            r.endToEndGc().collections(), r.endToEndGc().milliseconds(), r.engineWaitSeconds() * 1000);
                    System.out.printf(Locale.ROOT, "  load average %.2f on %d cores%n", r.loadAverage(), r.cores());
                    if (r.torch() != null) {
                        var t = r.torch();
                        System.out.printf(Locale.ROOT, "torchvision reference (%s; DataLoader, %d workers; the same ONNX graph and weights run with torch ops, output max |diff| %.2e; load before %s):%n",
                                t.versions(), t.workers(), t.maxOutputDifference(), t.loadBefore());
                        System.out.printf(Locale.ROOT, "  end to end : %8.1f images/s, %.1f CPU ms/image%n", t.endToEndImagesPerSecond(), t.endToEndCpuMsPerImage());
                        System.out.printf(Locale.ROOT, "  engine only: %8.1f images/s, %.1f CPU ms/image%n", t.engineImagesPerSecond(), t.engineCpuMsPerImage());
                        System.out.printf(Locale.ROOT, "  pipeline   : %8.1f images/s, %.1f CPU ms/image (PIL decode + transforms + batching)%n",
                                t.pipelineImagesPerSecond(), t.pipelineCpuMsPerImage());
                        System.out.printf(Locale.ROOT, "  imvec / torchvision: end to end %.2f×, decode and preprocess %.2f×%n",
                                r.torchEndToEndRatio(), r.torchPipelineRatio());
                    }
                }
                return 0;
            }
        }
    }

    @Command(name = "train", description = "Training images/s of a CNN architecture over one epoch.")
    static final class Train implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", defaultValue = "fashion-mnist:train", description = "Dataset spec (default ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--arch", defaultValue = "fm-cnn", description = "Architecture (default ${DEFAULT-VALUE}).")
        String arch;

        @Option(names = "--images", defaultValue = "10000", description = "Images in the timed epoch (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--batch", defaultValue = "128", description = "Batch size (default ${DEFAULT-VALUE}).")
        int batch;

        @Override
        public Integer call() {
            Training t = Training.builder().optArchitecture(arch).optBatchSize(batch).build();
            var a = imvec.train.Architectures.get(arch);
            ImageSet set = IndexedSubset.head(DataSpecs.open(data, null), images);
            ImageTensors x = ImageTensors.load(set, imvec.data.Preprocess.builder().setChannels(a.channels())
                    .setSize(a.height(), a.width()).optMean(0.5f).optStd(0.5f).build(), null);
            Training.Throughput r = t.measureThroughput(x.x(), x.y(), x.n(), set.classes());
            if (common.json) {
                common.printJson(r);
            } else {
                System.out.printf(Locale.ROOT, "%s: %.1f training images/s (%d images, batch %d, %d threads, %.2f s on %d cores)%n",
                        r.architecture(), r.imagesPerSecond(), r.images(), r.batchSize(), r.threads(), r.seconds(),
                        Runtime.getRuntime().availableProcessors());
            }
            return 0;
        }
    }

    @Command(name = "tsne", description = "t-SNE wall time and KL divergence on PCA-reduced images, beside scikit-learn's Barnes-Hut TSNE on the same input.")
    static final class Tsne implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", split = "\\+", defaultValue = "fashion-mnist:test",
                description = "Dataset specs joined by + (e.g. fashion-mnist:train+fashion-mnist:test for all 70k; default ${DEFAULT-VALUE}).")
        List<String> data;

        @Option(names = "--images", defaultValue = "10000", description = "Images to embed (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--pca", defaultValue = "50", description = "Principal components before t-SNE (default ${DEFAULT-VALUE}).")
        int pca;

        @Option(names = "--iterations", defaultValue = "1000", description = "t-SNE iterations on both sides (default ${DEFAULT-VALUE}).")
        int iterations;

        @Option(names = "--sklearn", description = "Also run scikit-learn with this Python (e.g. /usr/bin/python3).")
        java.nio.file.Path python;

        @Option(names = "--sklearn-script", defaultValue = "scripts/bench/tsne_sklearn.py", description = "The reference script (default ${DEFAULT-VALUE}).")
        java.nio.file.Path script;

        @Option(names = "--out", defaultValue = "target/bench-tsne", description = "Where the shared input and both embeddings go (default ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            List<ImageSet> sets = new java.util.ArrayList<>();
            for (String spec : data) sets.add(DataSpecs.open(spec, null));
            imvec.bench.TsneBench.Result r;
            try (ProgressBar bar = common.progress("t-SNE")) {
                r = imvec.bench.TsneBench.run(sets, images, pca, iterations, out, python, script, (done, total, kl) -> bar.update(done, total));
            }
            if (common.json) {
                common.printJson(r);
                return 0;
            }
            System.out.printf(Locale.ROOT, "%s, %d images, %d pixels -> PCA %d -> t-SNE 2-D, %d iterations, %d cores%n",
                    r.data(), r.n(), r.inputDims(), r.pcaDims(), iterations, r.cores());
            print(r.imvec());
            System.out.printf(Locale.ROOT, "  (imvec affinities %.1f s; exact KL %.4f)%n", r.affinitySeconds(), r.imvecKlExact());
            if (r.sklearn() != null) {
                print(r.sklearn());
                System.out.printf(Locale.ROOT, "  imvec / scikit-learn: wall time %.3f, CPU time %.3f, KL %.4f%n", r.timeRatio(), r.cpuRatio(), r.klRatio());
            }
            return 0;
        }

        private static void print(imvec.bench.TsneBench.Side s) {
            System.out.printf(Locale.ROOT, "  %-22s %8.1f s wall, %8.1f s CPU  KL %.4f (Barnes-Hut estimate)  load before: %s%n",
                    s.name(), s.seconds(), s.cpuSeconds(), s.kl(), s.loadBefore());
        }
    }

    @Command(name = "semantics", description = "Seconds for the 2-vs-2 and RSA permutation tests: by default 166 concepts × 1000 permutations and 1000 concepts × 100.")
    static final class Semantics implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--concepts", split = ",", defaultValue = "166,1000", description = "Concept counts (default ${DEFAULT-VALUE}).")
        List<Integer> concepts;

        @Option(names = "--permutations", split = ",", defaultValue = "1000,100", description = "Permutations, one per concept count (default ${DEFAULT-VALUE}).")
        List<Integer> permutations;

        @Option(names = "--threads", defaultValue = "0", description = "Worker threads, 0 for all cores (default ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() {
            if (concepts.size() != permutations.size()) {
                throw new imvec.util.UserError("give one --permutations value per --concepts value.");
            }
            List<imvec.bench.SemanticsBench.Result> results = new java.util.ArrayList<>();
            for (int i = 0; i < concepts.size(); i++) {
                imvec.bench.SemanticsBench.Result r = imvec.bench.SemanticsBench.run(concepts.get(i), permutations.get(i), 768, 1, threads);
                results.add(r);
                if (!common.json) {
                    System.out.printf(Locale.ROOT, "%4d concepts × %4d permutations on %d threads: 2-vs-2 %.2f s wall, %.2f s CPU (acc %.3f), RSA %.2f s, similarity matrices %.2f s%n",
                            r.concepts(), r.permutations(), r.threads(), r.twoVsTwoSeconds(), r.twoVsTwoCpuSeconds(), r.twoVsTwo(), r.rsaSeconds(), r.similaritySeconds());
                }
            }
            if (common.json) common.printJson(java.util.Map.of("cores", Runtime.getRuntime().availableProcessors(), "results", results));
            return 0;
        }
    }

    @Command(name = "silhouette", description = "Exact euclidean silhouette of raw pixel rows, beside scikit-learn's silhouette_score on the same rows.")
    static final class SilhouetteBench implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", split = "\\+", defaultValue = "fashion-mnist:train+fashion-mnist:test",
                description = "Dataset specs joined by + (default ${DEFAULT-VALUE}).")
        List<String> data;

        @Option(names = "--images", defaultValue = "70000", description = "Rows to score (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--sklearn", description = "Also run scikit-learn with this Python (e.g. /usr/bin/python3).")
        java.nio.file.Path python;

        @Option(names = "--sklearn-script", defaultValue = "scripts/bench/silhouette_sklearn.py", description = "The reference script (default ${DEFAULT-VALUE}).")
        java.nio.file.Path script;

        @Option(names = "--out", defaultValue = "target/bench-silhouette", description = "Where the rows for scikit-learn go (default ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            List<ImageSet> sets = new java.util.ArrayList<>();
            for (String spec : data) sets.add(DataSpecs.open(spec, null));
            imvec.bench.SilhouetteBench.Result r;
            try (ProgressBar bar = common.progress("silhouette")) {
                r = imvec.bench.SilhouetteBench.run(sets, images, out, python, script, f -> bar.update(Math.round(f * 1000), 1000));
            }
            if (common.json) {
                common.printJson(r);
                return 0;
            }
            System.out.printf(Locale.ROOT, "%s: %d rows x %d, %d cores%n", String.join(" + ", r.data()), r.n(), r.dims(), r.cores());
            print(r.imvec());
            if (r.sklearn() != null) {
                print(r.sklearn());
                System.out.printf(Locale.ROOT, "  imvec / scikit-learn: wall time %.3f, CPU time %.3f, score difference %.2e%n",
                        r.timeRatio(), r.cpuRatio(), r.scoreDifference());
            }
            return 0;
        }

        private static void print(imvec.bench.SilhouetteBench.Side s) {
            System.out.printf(Locale.ROOT, "  %-22s %8.1f s wall, %8.1f s CPU  score %.9f  load before: %s%n",
                    s.name(), s.seconds(), s.cpuSeconds(), s.score(), s.loadBefore());
        }
    }

    @Command(name = "im2vec", description = "Im2Vec training images/s (CIFAR-10's 50,000 × 3072 pixels by default) beside the same network and SGD trained through DJL on PyTorch.")
    static final class Im2VecBench implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", defaultValue = "folder:../shared/data/cifar10/train.tar.gz", description = "Training set spec (default ${DEFAULT-VALUE}).")
        String data;

        @Option(names = "--images", defaultValue = "50000", description = "Training rows (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--epochs", defaultValue = "3", description = "Epochs on each side; the first only warms up (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--threads", defaultValue = "0", description = "Threads, 0 for all cores (default ${DEFAULT-VALUE}).")
        int threads;

        @Option(names = "--reference", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Also time DJL on PyTorch (default ${DEFAULT-VALUE}; --no-reference skips it).")
        boolean reference;

        @Override
        public Integer call() {
            ImageSet set = IndexedSubset.head(DataSpecs.open(data, null), images);
            imvec.classvec.Im2Vec timed = imvec.classvec.Im2Vec.builder().optEpochs(epochs).optThreads(threads).build();
            imvec.bench.Im2VecBench.Result r;
            try (ProgressBar bar = common.progress("decode")) {
                r = imvec.bench.Im2VecBench.run(set, timed, reference, bar::update);
            }
            if (common.json) {
                common.printJson(r);
                return 0;
            }
            System.out.printf(Locale.ROOT, "%s: %d images x %d inputs, %d classes, H = %d, batch %d, %d threads on %d cores (decoded in %.1f s)%n",
                    r.data(), r.images(), r.inputs(), r.classes(), r.hidden(), r.batch(), r.threads(), r.cores(), r.decodeSeconds());
            print(r.imvec());
            if (r.reference() != null) {
                print(r.reference());
                System.out.printf(Locale.ROOT, "  imvec / reference: %.2f× the images/s%n", r.speedup());
            }
            return 0;
        }

        private static void print(imvec.bench.Im2VecBench.Side s) {
            StringBuilder epochs = new StringBuilder();
            for (double e : s.epochSeconds()) epochs.append(String.format(Locale.ROOT, " %.2f", e));
            System.out.printf(Locale.ROOT, "  %-40s %9.1f images/s after warm-up; epoch seconds:%s; load before: %s%n",
                    s.engine(), s.imagesPerSecond(), epochs, s.loadBefore());
        }
    }

    @Command(name = "explore", description = "The explorer's map in headless Chromium: first full paint and median frame time while zooming, with thumbnails of the images and with synthetic points.")
    static final class ExploreBench implements Callable<Integer> {
        @Mixin
        Common common;

        @Option(names = "--data", split = "\\+", defaultValue = "fashion-mnist:train+fashion-mnist:test",
                description = "Dataset specs joined by + (default ${DEFAULT-VALUE}).")
        List<String> data;

        @Option(names = "--images", defaultValue = "70000", description = "Images on the map (default ${DEFAULT-VALUE}).")
        int images;

        @Option(names = "--synthetic", split = ",", defaultValue = "250000,1000000",
                description = "Synthetic point counts to draw as points, comma-separated; 0 for none (default ${DEFAULT-VALUE}).")
        List<Integer> synthetic;

        @Option(names = "--frames", defaultValue = "60", description = "Zoom frames to time (default ${DEFAULT-VALUE}).")
        int frames;

        @Option(names = "--chromium", defaultValue = "/usr/bin/chromium", description = "The browser (default ${DEFAULT-VALUE}).")
        java.nio.file.Path chromium;

        @Option(names = "--lod-cell", description = "The map's level-of-detail cell as a fraction of a drawn point; 0 draws every point"
                + " on screen (default: the page's, 0.5).")
        Double lodCell;

        @Option(names = "--out", defaultValue = "target/bench-explore", description = "Where the run and its caches go (default ${DEFAULT-VALUE}).")
        java.nio.file.Path out;

        @Override
        public Integer call() throws Exception {
            List<Integer> sizes = synthetic.stream().filter(s -> s > 0).toList();
            if (lodCell != null && !(lodCell >= 0 && lodCell <= 4)) {
                throw new imvec.util.UserError("--lod-cell must be between 0 (every point) and 4, not " + lodCell + ".");
            }
            imvec.bench.ExploreBench.Result r = imvec.bench.ExploreBench.run(data, images, out, chromium, sizes, frames, lodCell,
                    s -> { if (!common.json) System.err.println("imvec: " + s); });
            if (common.json) {
                common.printJson(r);
                return 0;
            }
            System.out.printf(Locale.ROOT, "%s: %d images, %d cores; run written in %.1f s, thumbnail atlas %.1f s, PCA %.1f s%n",
                    String.join(" + ", r.data()), r.n(), r.cores(), r.buildRunSeconds(), r.atlasSeconds(), r.pcaSeconds());
            System.out.printf("%-28s %12s %14s %12s %16s  %s%n", "page", "first paint", "median frame", "p90 frame",
                    "every point", "load before / after");
            for (imvec.bench.ExploreBench.Page p : r.pages()) {
                System.out.printf(Locale.ROOT, "%-28s %10.0f ms %11.1f ms %9.1f ms %13.1f ms  %s / %s%n", p.what(), p.firstPaintMs(),
                        p.frameMedianMs(), p.frameP90Ms(), p.fullFrameMedianMs(), p.loadBefore(), p.loadAfter());
            }
            System.out.println("(median and p90 frame: zooming with the level of detail; every point: median frame of the same zoom drawing"
                    + " every point on screen, right after)");
            for (imvec.bench.ExploreBench.Page p : r.pages()) {
                System.out.printf(Locale.ROOT, "%s: median frame split: %.1f ms finding the points on screen and those drawn, %.1f ms issuing"
                        + " the draw, the rest drawing (GPU sync); %,d points drawn of %,d on screen (medians; level-of-detail cell %.2f of a"
                        + " point)%n", p.what(), p.cullMedianMs(), p.submitMedianMs(), p.drawnMedian(), p.onScreenMedian(), p.lodCell());
                imvec.bench.ExploreBench.Difference d = p.difference();
                if (d != null) {
                    System.out.printf(Locale.ROOT, "%s: picture against every point drawn, %d zoom steps: %.2f%% of pixels differ (max %.2f%%),"
                            + " %.2f%% by more than 64/255 (max %.2f%%); mean absolute difference %.2f/255 (max %.2f)%n", p.what(), d.steps(),
                            100 * d.differMedian(), 100 * d.differMax(), 100 * d.differ64Median(), 100 * d.differ64Max(), d.meanAbsMedian(),
                            d.meanAbsMax());
                }
                System.out.println(p.what() + ": page milestones (ms since navigation) " + p.marks());
            }
            if (!r.pages().isEmpty()) System.out.println("renderer: " + r.pages().get(0).renderer());
            return 0;
        }
    }
}
