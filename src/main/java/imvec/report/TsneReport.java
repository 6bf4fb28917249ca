package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.analysis.Tsne;
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
import java.util.Locale;
import java.util.Map;

/**
 * t-SNE of labelled rows written as files: coordinates ({@code tsne.npy}), a summary with
 * provenance ({@code tsne.json}), and a picture coloured by class: a PNG and SVG scatter in 2-D,
 * a self-contained rotatable HTML page ({@code tsne-3d.html}) in 3-D.
 */
public final class TsneReport {
    private TsneReport() {
    }

    public record Summary(String source, int n, Tsne.Result result, List<String> files) {
    }

    /** Runs t-SNE as configured by {@code tsne} and writes its files into {@code outDir} when not null. */
    public static Summary run(LabelledMatrix m, Tsne.Builder tsne, Path outDir) throws IOException {
        Tsne.Result r = tsne.optInputName(m.source()).build().fit(m.rows());
        List<String> files = new ArrayList<>();
        if (outDir != null) {
            Files.createDirectories(outDir);
            Path npy = outDir.resolve("tsne.npy");
            Npy.write(npy, Matrices.toFloat(r.embedding()));
            files.add(npy.toString());
            Map<String, Object> facts = provenance(m, r);
            String title = String.format(Locale.ROOT, "t-SNE (%d-D) of %s", r.dims(), m.source());
            if (r.dims() == 2) {
                ScatterPlot.builder().setTitle(title).optAxisLabels("t-SNE 1", "t-SNE 2").optClassNames(m.classes())
                        .build().save(outDir.resolve("tsne"), r.embedding(), m.labels())
                        .forEach(f -> files.add(f.toString()));
            } else {
                Path page = outDir.resolve("tsne-3d.html");
                Scatter3dPage.write(page, title, r.embedding(), m.labels(), m.classes(), facts);
                files.add(page.toString());
            }
            Path json = outDir.resolve("tsne.json");
            AtomicFiles.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(facts) + "\n");
            files.add(json.toString());
        }
        return new Summary(m.source(), m.n(), r, files);
    }

    /** Inputs, options, results and versions: what is needed to reproduce and judge the embedding. */
    public static Map<String, Object> provenance(LabelledMatrix m, Tsne.Result r) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("source", m.source());
        json.put("n", m.n());
        json.put("input_dims", r.inputDims());
        json.put("pca_dims", r.pcaDims());
        json.put("dims", r.dims());
        json.put("perplexity", r.perplexity());
        json.put("affinities", r.affinities());
        json.put("neighbours", r.neighbours());
        json.put("iterations", r.iterations());
        json.put("learning_rate", r.learningRate());
        json.put("theta", r.theta());
        json.put("seed", r.seed());
        json.put("kl_divergence", r.klDivergence());
        json.put("kl_method", r.klExact() ? "exact" : "Barnes-Hut estimate of Z");
        json.put("kl_barnes_hut", r.klBarnesHut());
        Map<String, Object> secs = new LinkedHashMap<>();
        secs.put("pca", r.seconds().pca());
        secs.put("affinities", r.seconds().affinities());
        secs.put("optimisation", r.seconds().optimisation());
        secs.put("total", r.seconds().total());
        json.put("seconds", secs);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("imvec_version", Version.get());
        json.put("created", Instant.now().toString());
        return json;
    }
}
