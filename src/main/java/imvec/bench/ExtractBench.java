package imvec.bench;

import imvec.data.ImageSet;
import imvec.data.ImageTensors;
import imvec.data.Images;
import imvec.data.IndexedSubset;
import imvec.data.Preprocess;
import imvec.extract.Extractor;
import imvec.extract.LayerRequest;
import imvec.model.Backbone;
import imvec.util.UserError;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Extraction speed: the whole pipeline (decode, preprocess, inference, store) against the
 * engine alone on tensors decoded beforehand, same model, layers, batch size and images.
 * Their ratio shows how well decoding hides behind inference.
 */
public final class ExtractBench {
    private ExtractBench() {
    }

    /**
     * The measured rates. {@code decode*} is decoding and preprocessing alone on all cores, so a
     * low ratio can be read: on a machine without spare cores, end to end cannot beat
     * {@code 1 / (1/raw + 1/decode)} by much, however well the two overlap. {@code loadAverage}
     * is the system's one-minute load when the measurement ended (other processes share the cores).
     * The {@code *CpuMsPerImage} figures are this process's CPU time (all threads, the engine's
     * native ones included) per image in each phase: unlike the rates they barely move with other
     * processes' load, and {@code cpuRatio} = raw CPU / end-to-end CPU is the ratio the rates
     * would show on otherwise idle cores when both phases keep all cores busy. {@code jpegDecoder}
     * names the JPEG decoder that ran (turbojpeg, or the JDK's and why). {@code decodeOneThread}
     * and {@code decodeTwoThreads} time read + decode + preprocess alone on one and on two threads;
     * {@code endToEndGc} is the garbage collector's work during the end-to-end phase, and
     * {@code engineWaitSeconds} how long inference waited in it for decoded batches.
     */
    public record Result(int images, int batch, int cores, List<String> layers, String jpegDecoder,
                         double endToEndSeconds, double endToEndImagesPerSecond,
                         double rawSeconds, double rawImagesPerSecond, double ratio,
                         double decodeSeconds, double decodeImagesPerSecond, double loadAverage,
                         double endToEndCpuMsPerImage, double rawCpuMsPerImage, double decodeCpuMsPerImage,
                         double cpuRatio, DecodeCost decodeOneThread, DecodeCost decodeTwoThreads, Gc endToEndGc, double engineWaitSeconds,
                         TorchExtractBench.Result torch, double torchEndToEndRatio, double torchPipelineRatio) {
    }

    /**
     * Read + decode + preprocess of every timed image on {@code threads} threads, each filling its
     * own reused batch array as extraction's decoding threads do. {@code threadCpuMsPerImage}: the
     * decoding threads' own CPU time per image (what the 3 ms goal is about); {@code
     * processCpuMsPerImage}: the whole process's, so also garbage collection and the JIT;
     * {@code wallMsPerImage}: elapsed time over images, the throughput the threads reach together;
     * {@code images}: those read (unreadable ones are not counted).
     */
    public record DecodeCost(int threads, int images, double threadCpuMsPerImage, double processCpuMsPerImage, double wallMsPerImage) {
    }

    /** Collections and the time the JVM's collectors report for them (pauses, for G1). */
    public record Gc(long collections, double milliseconds) {
        static Gc now() {
            long n = 0, ms = 0;
            for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
                n += Math.max(0, b.getCollectionCount());
                ms += Math.max(0, b.getCollectionTime());
            }
            return new Gc(n, ms);
        }

        Gc since(Gc before) {
            return new Gc(collections - before.collections, milliseconds - before.milliseconds);
        }
    }

    /**
     * Where the torchvision reference runs: a Python with torch, torchvision and onnx, its script,
     * the .onnx file imvec runs, and the root folder of the {@code folder:} data set.
     */
    public record Torch(Path python, Path script, Path model, Path folder) {
    }

    public static Result run(ImageSet data, Backbone model, Preprocess pre, List<LayerRequest> layers,
                             int images, int batch, Extractor.Listener listener) throws IOException {
        return run(data, model, pre, layers, images, batch, listener, null);
    }

    /**
     * As above, and with {@code torch} not null the torchvision pipeline on the same files and model;
     * {@code torchEndToEndRatio} is imvec's end-to-end rate over torch's, {@code torchPipelineRatio}
     * imvec's decode-and-preprocess rate over the DataLoader's (both on all cores).
     */
    public static Result run(ImageSet data, Backbone model, Preprocess pre, List<LayerRequest> layers,
                             int images, int batch, Extractor.Listener listener, Torch torch) throws IOException {
        ImageSet subset = IndexedSubset.head(data, images);
        List<String> names = layers.stream().map(LayerRequest::name).filter(n -> !n.equals(LayerRequest.INPUT)).toList();
        warmUp(model, pre, names, batch);

        Path tmp = Files.createTempDirectory("imvec-bench-");
        try {
            warmUpPipeline(subset, model, pre, layers, batch, tmp.resolve("warm-up"));
            Gc g0 = Gc.now();
            long c0 = processCpuNanos(), t0 = System.nanoTime();
            Extractor.Result r = Extractor.builder().setData(subset).setBackbone(model).setPreprocess(pre)
                    .setLayers(layers).optBatchSize(batch).optChunkSize(Math.max(batch, 512))
                    .optListener(listener).build().run(tmp.resolve("run"));
            double e2e = (System.nanoTime() - t0) / 1e9;
            Gc gc = Gc.now().since(g0);
            long c1 = processCpuNanos(), t1 = System.nanoTime();
            ImageTensors t = ImageTensors.load(subset, pre, null);
            double decode = (System.nanoTime() - t1) / 1e9;
            long c2 = processCpuNanos();
            double raw = timeForward(model, t, names, batch);
            long c3 = processCpuNanos();
            int n = r.rows();
            DecodeCost one = decodeCost(subset, pre, batch, 1), two = decodeCost(subset, pre, batch, 2);
            TorchExtractBench.Result tr = null;
            if (torch != null) {
                if (names.isEmpty()) throw new UserError("--torch needs a model layer to compare, not only the input.");
                int check = Math.min(8, t.n());
                float[] in = java.util.Arrays.copyOf(t.x(), check * t.size());
                float[] out = model.forward(in, check, List.of(names.get(0))).get(names.get(0)).data();
                tr = TorchExtractBench.run(torch.python(), torch.script(), torch.model(), names.get(0),
                        TorchExtractBench.files(subset, torch.folder()), pre, batch, in, out, check, tmp);
            }
            double e2eCpu = (c1 - c0) / 1e6 / n, decodeCpu = (c2 - c1) / 1e6 / t.n(), rawCpu = (c3 - c2) / 1e6 / t.n();
            return new Result(n, batch, Runtime.getRuntime().availableProcessors(),
                    layers.stream().map(LayerRequest::name).toList(), Images.jpegDecoder(), e2e, n / e2e, raw, t.n() / raw, (n / e2e) / (t.n() / raw),
                    decode, t.n() / decode, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    e2eCpu, rawCpu, decodeCpu, rawCpu / e2eCpu, one, two, gc, r.engineWaitSeconds(), tr,
                    tr == null ? Double.NaN : (n / e2e) / tr.endToEndImagesPerSecond(),
                    tr == null ? Double.NaN : (t.n() / decode) / tr.pipelineImagesPerSecond());
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** See {@link DecodeCost}; images that cannot be read are skipped and not counted. */
    static DecodeCost decodeCost(ImageSet set, Preprocess pre, int batch, int threads) {
        int per = pre.size();
        AtomicInteger next = new AtomicInteger(), decoded = new AtomicInteger();
        AtomicLong threadCpu = new AtomicLong();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Runnable work = () -> {
            float[] into = new float[batch * per];
            long cpu0 = mx.getCurrentThreadCpuTime();
            for (int i; (i = next.getAndIncrement()) < set.size(); ) {
                try {
                    set.readInto(i, pre, into, (i % batch) * per);
                    decoded.incrementAndGet();
                } catch (IOException e) {
                    // an unreadable file costs what it costs; only read images are counted
                }
            }
            threadCpu.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
        };
        long c0 = processCpuNanos(), t0 = System.nanoTime();
        List<Thread> ts = new ArrayList<>();
        for (int k = 0; k < threads; k++) ts.add(Thread.ofPlatform().name("imvec-bench-decode").start(work));
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while timing decoding", e);
            }
        }
        double wall = (System.nanoTime() - t0) / 1e6;
        long cpu = processCpuNanos() - c0;
        int n = Math.max(1, decoded.get());
        return new DecodeCost(threads, decoded.get(), threadCpu.get() / 1e6 / n, cpu / 1e6 / n, wall / n);
    }

    /** CPU time of the whole process so far (0 where the JVM does not report it). */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    /** One batch through the engine first, so session creation and JIT are not timed. */
    private static void warmUp(Backbone model, Preprocess pre, List<String> names, int batch) {
        if (!names.isEmpty()) model.forward(new float[batch * pre.size()], batch, names);
    }

    /**
     * A short untimed extraction first, as the engine gets its warm-up batch: the image decoders
     * and the preprocessing loops are still interpreted on their first images (a cold pass over
     * the first 256 ImageNet samples took twice as long as a warm one), which a long run does not see.
     * At least 256 images: decoding one thread's ImageNet JPEGs cost 16–20 ms CPU each over the
     * first 256 and a steady 6–8 ms after, so 4 batches of 32 left the timed run half cold.
     */
    private static void warmUpPipeline(ImageSet subset, Backbone model, Preprocess pre, List<LayerRequest> layers,
                                       int batch, Path dir) throws IOException {
        ImageSet head = IndexedSubset.head(subset, Math.min(subset.size(), Math.max(256, 4 * batch)));
        Extractor.builder().setData(head).setBackbone(model).setPreprocess(pre).setLayers(layers)
                .optBatchSize(batch).optChunkSize(Math.max(batch, 512)).build().run(dir);
    }

    private static double timeForward(Backbone model, ImageTensors t, List<String> names, int batch) {
        int per = t.size();
        List<float[]> batches = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int a = 0; a < t.n(); a += batch) {
            int m = Math.min(batch, t.n() - a);
            float[] b = new float[m * per];
            System.arraycopy(t.x(), a * per, b, 0, m * per);
            batches.add(b);
            sizes.add(m);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < batches.size(); i++) {
            if (!names.isEmpty()) model.forward(batches.get(i), sizes.get(i), names);
        }
        return (System.nanoTime() - t0) / 1e9;
    }
}
