package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.analysis.Pca;
import imvec.store.AtomicFiles;
import imvec.store.LabelledMatrix;
import imvec.store.Npy;
import imvec.util.Matrices;
import imvec.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PCA of labelled rows written as files: coordinates ({@code pca.npy}), a summary with
 * provenance ({@code pca.json}) and scatter plots coloured by class (PNG and SVG; for 3-D, the
 * three pairs of components).
 */
public final class PcaReport {
    private PcaReport() {
    }

    public record Summary(String source, int n, int inputDims, int dims, boolean normalised,
                          double[] explainedVarianceRatio, double seconds, List<String> files,
                          double[][] coordinates) {
    }

    public static Summary run(LabelledMatrix m, int dims, boolean normalise, Path outDir) throws IOException {
        long t0 = System.nanoTime();
        Pca.Result r = Pca.builder().optComponents(dims).optNormalizeRows(normalise).optInputName(m.source()).build().fit(m.rows());
        double secs = (System.nanoTime() - t0) / 1e9;
        List<String> files = new ArrayList<>();
        if (outDir != null) {
            Files.createDirectories(outDir);
            Npy.write(outDir.resolve("pca.npy"), Matrices.toFloat(r.coordinates()));
            files.add(outDir.resolve("pca.npy").toString());
            files.addAll(plots(m, r, outDir));
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("source", m.source());
            json.put("n", m.n());
            json.put("input_dims", m.dims());
            json.put("dims", dims);
            json.put("normalised_rows", normalise);
            json.put("explained_variance_ratio", r.explainedVarianceRatio());
            json.put("method", r.method());
            json.put("seconds", secs);
            json.put("imvec_version", Version.get());
            json.put("created", Instant.now().toString());
            AtomicFiles.writeString(outDir.resolve("pca.json"),
                    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json) + "\n");
            files.add(outDir.resolve("pca.json").toString());
        }
        return new Summary(m.source(), m.n(), m.dims(), dims, normalise, r.explainedVarianceRatio(), secs, files, r.coordinates());
    }

    private static List<String> plots(LabelledMatrix m, Pca.Result r, Path outDir) throws IOException {
        List<String> files = new ArrayList<>();
        int k = r.dims();
        int[][] pairs = k >= 3 ? new int[][]{{0, 1}, {0, 2}, {1, 2}} : k == 2 ? new int[][]{{0, 1}} : new int[0][];
        for (int[] p : pairs) {
            String name = k == 2 ? "pca" : "pca-pc" + (p[0] + 1) + "-pc" + (p[1] + 1);
            double[][] xy = new double[m.n()][];
            for (int i = 0; i < xy.length; i++) xy[i] = new double[]{r.coordinates()[i][p[0]], r.coordinates()[i][p[1]]};
            String xl = String.format(java.util.Locale.ROOT, "PC%d (%.1f%%)", p[0] + 1, 100 * r.explainedVarianceRatio()[p[0]]);
            String yl = String.format(java.util.Locale.ROOT, "PC%d (%.1f%%)", p[1] + 1, 100 * r.explainedVarianceRatio()[p[1]]);
            List<Path> saved = ScatterPlot.builder().setTitle("PCA of " + m.source()).optAxisLabels(xl, yl)
                    .optClassNames(m.classes()).build().save(outDir.resolve(name), xy, m.labels());
            saved.forEach(f -> files.add(f.toString()));
        }
        return files;
    }
}
