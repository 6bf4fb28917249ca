package imvec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.analysis.Pca;
import imvec.analysis.Tsne;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.store.Npy;
import imvec.util.Matrices;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The t-SNE benchmark: the first N images of a set as pixels in [0, 1], reduced to 50 principal
 * components, embedded in 2-D by imvec and, when asked, by scikit-learn's Barnes–Hut TSNE on the
 * very same matrix (written to disk and handed to {@code scripts/bench/tsne_sklearn.py}).
 */
public final class TsneBench {
    private TsneBench() {
    }

    /** One side of the comparison; {@code kl} is the Barnes–Hut estimate on both sides. */
    public record Side(String name, double seconds, double cpuSeconds, double kl, int iterations, String loadBefore) {
    }

    public record Result(String data, int n, int inputDims, int pcaDims, int cores,
                         Side imvec, double imvecKlExact, double affinitySeconds, Side sklearn,
                         double timeRatio, double cpuRatio, double klRatio, List<String> files) {
    }

    public static Result run(List<ImageSet> sets, int n, int pcaDims, int iterations, Path outDir, Path python, Path script,
                             Tsne.Callback callback) throws IOException, InterruptedException {
        Rows joined = rows(sets, n, 1 / 255f);
        float[][] pixels = joined.x();
        int rows = pixels.length;
        float[][] x = Matrices.toFloat(Pca.builder().optComponents(pcaDims).build().fit(pixels).coordinates());
        Files.createDirectories(outDir);
        List<String> files = new ArrayList<>();
        Path input = outDir.resolve("tsne-bench-input.npy");
        Npy.write(input, x);
        files.add(input.toString());
        String load = loadAverage();
        double cpu0 = cpuSeconds();
        Tsne.Result r = Tsne.builder().optIterations(iterations).optCallback(callback).build().fit(x);
        double cpu = cpuSeconds() - cpu0;
        Path ours = outDir.resolve("tsne-bench-imvec.npy");
        Npy.write(ours, Matrices.toFloat(r.embedding()));
        files.add(ours.toString());
        Side imvec = new Side("imvec", r.seconds().total(), cpu, r.klBarnesHut(), r.iterations(), load);
        Side sk = null;
        if (python != null) {
            Path json = outDir.resolve("tsne-bench-sklearn.json");
            sk = sklearn(python, script, input, json, iterations);
            files.add(json.toString());
        }
        return new Result(String.join(" + ", joined.specs()), rows, pixels[0].length, pcaDims, Runtime.getRuntime().availableProcessors(),
                imvec, r.klDivergence(), r.seconds().affinities(), sk,
                sk == null ? Double.NaN : imvec.seconds() / sk.seconds(),
                sk == null ? Double.NaN : imvec.cpuSeconds() / sk.cpuSeconds(), sk == null ? Double.NaN : imvec.kl() / sk.kl(), files);
    }

    private static Side sklearn(Path python, Path script, Path input, Path json, int iterations)
            throws IOException, InterruptedException {
        String load = loadAverage();
        if (!Files.isRegularFile(script)) throw new UserError("the scikit-learn reference script " + script + " is missing.");
        Process p = new ProcessBuilder(python.toString(), script.toString(), input.toString(), json.toString(),
                "--iterations", String.valueOf(iterations)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new UserError("scikit-learn's t-SNE failed (" + python + " " + script + "): " + output.strip());
        }
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        return new Side("scikit-learn " + j.get("sklearn_version").asText(), j.get("seconds").asDouble(), j.get("cpu_seconds").asDouble(),
                j.get("kl_divergence").asDouble(), j.get("iterations").asInt(), load);
    }

    /** Pixel rows, labels and the specs they came from, gathered over several sets. */
    record Rows(float[][] x, int[] y, List<String> specs) {
    }

    /** The first {@code limit} images of the sets in turn (e.g. train then test), as pixel rows times {@code scale}. */
    static Rows rows(List<ImageSet> sets, int limit, float scale) throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        for (ImageSet set : sets) {
            int take = Math.min(set.size(), limit - rows.size());
            if (take <= 0) break;
            float[][] x = pixels(set, take, scale);
            for (int i = 0; i < take; i++) {
                if (!rows.isEmpty() && x[i].length != rows.get(0).length) {
                    throw new UserError(set.spec() + " has images of another size than " + specs.get(0) + ".");
                }
                rows.add(x[i]);
                labels.add(set.label(i));
            }
            specs.add(set.spec());
        }
        return new Rows(rows.toArray(new float[0][]), labels.stream().mapToInt(Integer::intValue).toArray(), specs);
    }

    /** The first {@code rows} images as flat pixel rows times {@code scale}; all images must share a size. */
    static float[][] pixels(ImageSet set, int rows, float scale) throws IOException {
        float[][] x = new float[rows][];
        for (int i = 0; i < rows; i++) {
            Image im = set.read(i);
            byte[] px = im.pixels();
            if (i > 0 && px.length != x[0].length) {
                throw new UserError(set.spec() + " has images of different sizes; the t-SNE benchmark needs one size.");
            }
            x[i] = new float[px.length];
            for (int c = 0; c < px.length; c++) x[i][c] = (px[c] & 0xFF) * scale;
        }
        return x;
    }

    /** CPU time of this process over all its threads: less distorted by other load than wall time. */
    static double cpuSeconds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    /** The 1, 5 and 15 minute load averages, to state beside the timings. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
