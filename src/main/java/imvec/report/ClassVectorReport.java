package imvec.report;

import imvec.analysis.Pca;
import imvec.classvec.ClassVectors;
import imvec.classvec.CosineTable;
import imvec.classvec.Word2VecText;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.Version;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes one set of class vectors the same way for every method: {@code vectors.txt} (word2vec
 * text), {@code vectors.npy} with {@code names.txt}, the ranked cosine table ({@code cosine.md},
 * {@code cosine.csv}) with its heat map, the PCA of the vectors to 2-D plotted raw and with
 * L2-normalised rows (class names on the points), and a JSON summary with provenance.
 */
public final class ClassVectorReport {
    public record Written(List<String> files, CosineTable table, Map<String, double[]> explainedVariance) {
    }

    private ClassVectorReport() {
    }

    /**
     * @param summaryName file name of the JSON summary, e.g. {@code im2vec.json}
     * @param summary     method-specific fields (inputs, options, accuracies); provenance is added
     */
    public static Written write(Path dir, ClassVectors v, String title, String summaryName, Map<String, Object> summary)
            throws IOException {
        Files.createDirectories(dir);
        List<String> files = new ArrayList<>();
        Word2VecText.write(dir.resolve("vectors.txt"), v);
        Npy.write(dir.resolve("vectors.npy"), v.vectors());
        AtomicFiles.writeString(dir.resolve("names.txt"), String.join("\n", v.names()) + "\n");
        files.addAll(List.of(dir.resolve("vectors.txt").toString(), dir.resolve("vectors.npy").toString(), dir.resolve("names.txt").toString()));
        CosineTable table = v.size() >= 2 ? CosineTable.of(v) : null;
        if (table != null) {
            AtomicFiles.writeString(dir.resolve("cosine.md"), "# Cosine similarity: " + title + "\n\n"
                    + "Each class, then every other class by descending cosine similarity.\n\n" + table.markdown(0));
            AtomicFiles.writeString(dir.resolve("cosine.csv"), table.csv(0));
            files.add(dir.resolve("cosine.md").toString());
            files.add(dir.resolve("cosine.csv").toString());
            HeatMap.save(dir.resolve("cosine"), "Cosine similarity: " + title, v.names(), table.matrix())
                    .forEach(p -> files.add(p.toString()));
        }
        Map<String, double[]> explained = new LinkedHashMap<>();
        if (v.size() >= 3 && v.dims() >= 2) {
            for (boolean normalise : new boolean[]{false, true}) {
                String stem = normalise ? "pca-normalised" : "pca-raw";
                explained.put(normalise ? "normalised" : "raw", plotPca(dir.resolve(stem), v, title, normalise, files));
            }
        }
        Map<String, Object> json = new LinkedHashMap<>(summary);
        json.put("names", v.names());
        json.put("dims", v.dims());
        json.put("pca_explained_variance_ratio", explained);
        json.put("imvec_version", Version.get());
        json.put("created", Instant.now().toString());
        json.put("files", new ArrayList<>(files));
        AtomicFiles.writeString(dir.resolve(summaryName), Manifest.json().writeValueAsString(json) + "\n");
        files.add(dir.resolve(summaryName).toString());
        return new Written(files, table, explained);
    }

    private static double[] plotPca(Path stem, ClassVectors v, String title, boolean normalise, List<String> files) throws IOException {
        Pca.Result r = Pca.builder().optComponents(2).optNormalizeRows(normalise).optInputName(v.source()).build().fit(v.vectors());
        String xl = String.format(Locale.ROOT, "PC1 (%.1f%%)", 100 * r.explainedVarianceRatio()[0]);
        String yl = String.format(Locale.ROOT, "PC2 (%.1f%%)", 100 * r.explainedVarianceRatio()[1]);
        int[] labels = IntStream.range(0, v.size()).toArray();
        ScatterPlot.builder().setTitle("PCA of " + title + (normalise ? " (L2-normalised)" : " (raw)"))
                .optAxisLabels(xl, yl).optClassNames(v.names()).optPointLabels(v.names()).optMarkerSize(10).build()
                .save(stem, r.coordinates(), labels).forEach(p -> files.add(p.toString()));
        return r.explainedVarianceRatio();
    }
}
