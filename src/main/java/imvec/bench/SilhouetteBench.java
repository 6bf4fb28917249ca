package imvec.bench;

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
        TsneBench.Rows rows = TsneBench.rows(sets, limit, 1f);
        float[][] x = rows.x();
        int[] y = rows.y();
        List<String> specs = rows.specs();
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
