package imvec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.analysis.Silhouette;
import imvec.data.ImageSet;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * The silhouette benchmark: raw pixel rows (0–255) of one or more image sets, labelled by class,
 * scored by imvec's exact euclidean silhouette and, when asked, by scikit-learn's
 * {@code silhouette_score} on the same rows ({@code scripts/bench/silhouette_sklearn.py}).
 */
public final class SilhouetteBench {
    private SilhouetteBench() {
    }

    public record Side(String name, double seconds, double cpuSeconds, double score, String loadBefore) {
    }

    public record Result(List<String> data, int n, int dims, int cores, Side imvec, Side sklearn,
                         double timeRatio, double cpuRatio, double scoreDifference) {
    }

    public static Result run(List<ImageSet> sets, int limit, Path outDir, Path python, Path script,
                             DoubleConsumer progress) throws IOException, InterruptedException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> specs = new ArrayList<>();
        for (ImageSet set : sets) {
            int take = Math.min(set.size(), limit - rows.size());
            if (take <= 0) break;
            float[][] x = TsneBench.pixels(set, take, 1f);
            for (int i = 0; i < take; i++) {
                if (!rows.isEmpty() && x[i].length != rows.get(0).length) {
                    throw new UserError(set.spec() + " has images of another size than " + specs.get(0) + ".");
                }
                rows.add(x[i]);
                labels.add(set.label(i));
            }
            specs.add(set.spec());
        }
        float[][] x = rows.toArray(new float[0][]);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        String load = TsneBench.loadAverage();
        double cpu0 = TsneBench.cpuSeconds();
        long t0 = System.nanoTime();
        double score = Silhouette.builder().optProgress(progress).build().compute(x, y).score();
        Side imvec = new Side("imvec", (System.nanoTime() - t0) / 1e9, TsneBench.cpuSeconds() - cpu0, score, load);
        Side sk = null;
        if (python != null) {
            if (!Files.isRegularFile(script)) throw new UserError("the scikit-learn reference script " + script + " is missing.");
            Files.createDirectories(outDir);
            Path xs = outDir.resolve("silhouette-bench-rows.npy"), ys = outDir.resolve("silhouette-bench-labels.npy");
            Path json = outDir.resolve("silhouette-bench-sklearn.json");
            Npy.write(xs, x);
            Npy.write(ys, y, y.length);
            String skLoad = TsneBench.loadAverage();
            Process p = new ProcessBuilder(python.toString(), script.toString(), xs.toString(), ys.toString(), json.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) throw new UserError("scikit-learn's silhouette_score failed: " + output.strip());
            JsonNode j = new ObjectMapper().readTree(json.toFile());
            sk = new Side("scikit-learn " + j.get("sklearn_version").asText(), j.get("seconds").asDouble(),
                    j.get("cpu_seconds").asDouble(), j.get("score").asDouble(), skLoad);
        }
        return new Result(specs, x.length, x[0].length, Runtime.getRuntime().availableProcessors(), imvec, sk,
                sk == null ? Double.NaN : imvec.seconds() / sk.seconds(),
                sk == null ? Double.NaN : imvec.cpuSeconds() / sk.cpuSeconds(),
                sk == null ? Double.NaN : imvec.score() - sk.score());
    }
}
