package imvec.spark;

import imvec.data.FolderSet;
import imvec.data.ImageSet;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.model.ModelCard;
import imvec.onnx.OnnxBackbone;
import imvec.util.UserError;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * {@code imvec bench spark}: the same folder, model and layers through {@code imvec extract}, through
 * Spark in {@code local[N]}, and through a standalone cluster of separate worker JVMs on this
 * machine. Each Spark figure is the job alone (listing, labelling, extraction, Parquet commit,
 * manifest) with the session already up; the cluster's executors start inside that time, as
 * they would for a submitted job. CPU per image is the process's CPU time for extract and
 * local mode (same JVM) and the tasks' executor CPU time (ONNX Runtime runs on the task thread
 * with one intra-op thread) for the cluster.
 */
public final class SparkBench {
    public record Run(String engine, int images, double seconds, double imagesPerSecond, double cpuMsPerImage) {
    }

    public record Result(List<Run> runs, int cores, double loadAverage) {
    }

    private SparkBench() {
    }

    private static void atLeastOne(int n, String flag) {
        if (n < 1) throw new UserError(flag + " must be at least 1, got " + n + ".");
    }

    public static Result run(Path folder, Path model, ModelCard card, Preprocess pre, List<LayerRequest> layers, int batch,
                             int localCores, int workers, Path sparkJars, Consumer<String> log) throws Exception {
        // Checked before minutes of extraction: a count below one would fail (or hang) only later.
        atLeastOne(batch, "--batch");
        atLeastOne(localCores, "--local-cores");
        atLeastOne(workers, "--workers");
        Path tmp = Files.createTempDirectory("imvec-bench-spark-");
        List<Run> runs = new ArrayList<>();
        try {
            ImageSet set = FolderSet.open(folder, null);
            try (OnnxBackbone b = OnnxBackbone.open(model, card)) {
                log.accept("imvec extract on " + set.size() + " images…");
                long c0 = processCpuNanos(), t0 = System.nanoTime();
                Extractor.Result r = Extractor.builder().setData(set).setBackbone(b).setPreprocess(pre).setLayers(layers)
                        .optBatchSize(batch).build().run(tmp.resolve("extract"));
                runs.add(run("imvec extract", r.rows() + r.skipped(), t0, processCpuNanos() - c0));
            }
            SparkExtract job = SparkExtract.builder().setData("folder:" + folder).setModel(model).optCard(card)
                    .setPreprocess(pre).setLayers(layers).optBatchSize(batch).build();
            log.accept("Spark local[" + localCores + "]…");
            SparkSession local = SparkSession.builder().master("local[" + localCores + "]").appName("imvec bench spark")
                    .config("spark.ui.enabled", "false").getOrCreate();
            try {
                long c0 = processCpuNanos(), t0 = System.nanoTime();
                SparkExtract.Result r = job.run(local, tmp.resolve("local").toString());
                runs.add(run("spark local[" + localCores + "]", (int) (r.rows() + r.skipped()), t0, processCpuNanos() - c0));
            } finally {
                local.stop();
            }
            log.accept("Spark standalone, " + workers + " workers × 1 core…");
            try (StandaloneCluster cluster = StandaloneCluster.start(sparkJars, Files.createDirectories(tmp.resolve("cluster")),
                    workers, 1, "1g")) {
                SparkSession s = SparkSessions.open(cluster.masterUrl(), "imvec bench spark");
                try {
                    AtomicLong taskCpu = new AtomicLong();
                    s.sparkContext().addSparkListener(new SparkListener() {
                        @Override
                        public void onTaskEnd(SparkListenerTaskEnd t) {
                            if (t.taskMetrics() != null) taskCpu.addAndGet(t.taskMetrics().executorCpuTime());
                        }
                    });
                    long t0 = System.nanoTime();
                    SparkExtract.Result r = job.run(s, tmp.resolve("cluster-out").toString());
                    runs.add(run("spark standalone " + workers + "×1", (int) (r.rows() + r.skipped()), t0, taskCpu.get()));
                } finally {
                    s.stop();
                }
            }
            return new Result(runs, Runtime.getRuntime().availableProcessors(),
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary folder left behind is harmless
            }
        }
    }

    private static Run run(String engine, int images, long t0, long cpuNanos) {
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Run(engine, images, secs, images / secs, cpuNanos / 1e6 / images);
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : 0;
    }
}
