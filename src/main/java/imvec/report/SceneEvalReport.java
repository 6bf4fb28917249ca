package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.spatial.SceneEvaluation;
import imvec.store.StagedDirectory;
import imvec.util.Version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link SceneEvaluation.Result}: {@code eval.md} (the table), {@code eval.json} (every
 * number and the provenance; written last, it marks the directory), {@code ap.csv} (AP per label),
 * and with localisation {@code localisation-curve.csv} and {@code localisation-curve.png/.svg}.
 */
public final class SceneEvalReport {
    public static final String MARKER = "eval.json";

    private SceneEvalReport() {
    }

    /** The result and its provenance as one JSON-ready map. */
    public static Map<String, Object> json(SceneEvaluation.Result r, Map<String, Object> provenance) {
        Map<String, Object> o = new LinkedHashMap<>(provenance);
        o.put("images", r.images());
        o.put("labels", r.labels().size());
        o.put("labels_source", r.labelsSource());
        o.put("map", finite(r.map().mean()));
        o.put("map_labels_scored", r.map().labelsScored());
        o.put("map_labels_without_positives", r.map().labelsWithoutPositives());
        if (r.hitAt1() != null) {
            o.put("hit_at_1", finite(r.hitAt1()));
            o.put("hit_at_5", finite(r.hitAt5()));
            o.put("single_label_images", r.singleImages());
        }
        if (r.localisation() != null) {
            SceneEvaluation.Localised l = r.localisation();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("scale", l.scale().id());
            m.put("threshold", l.threshold());
            m.put("miou", finite(l.miou()));
            m.put("miou_foreground", finite(l.miouForeground()));
            m.put("best_threshold", l.bestThreshold());
            m.put("best_miou", finite(l.bestMiou()));
            m.put("ignored_pixels", l.ignoredPixels());
            m.put("normalisation", "each map upsampled bilinearly (half-pixel centres) to the mask size; a pixel takes the label of its highest map "
                    + "when its " + l.scale().description() + " > threshold, else background; IoU summed over all images per class, mean over classes present, background included");
            o.put("localisation", m);
        }
        if (r.segmentation() != null) {
            o.put("segmentation", Map.of("k", r.segmentation().k(), "mean_best_segment_iou", finite(r.segmentation().meanBestIou()),
                    "regions", r.segmentation().regions()));
        }
        if (r.search() != null) {
            SceneEvaluation.Searched s = r.search();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("grid", s.grid());
            m.put("queries", s.queries());
            m.put("precision_at_10", finite(s.precisionAt10()));
            m.put("plain_precision_at_10", finite(s.plainPrecisionAt10()));
            m.put("definition", "queries 'X in cell A, not in cell B' where X fills ≥ 50 % of A and < 5 % of B in at least one mask; "
                    + "precision_at_10 = relevant in top 10 / min(10, relevant scenes); plain divides by 10");
            m.put("examples", s.examples());
            o.put("map_search", m);
        }
        o.put("notes", r.notes());
        return o;
    }

    /** The Markdown table of the headline numbers. */
    public static String markdown(SceneEvaluation.Result r) {
        StringBuilder s = new StringBuilder("| measure | value |\n|---|---|\n");
        row(s, "images", Integer.toString(r.images()));
        row(s, "labels (" + r.labelsSource() + ")", Integer.toString(r.labels().size()));
        row(s, "mAP (" + r.map().labelsScored() + " labels with positives)", num(r.map().mean()));
        if (r.hitAt1() != null) {
            row(s, "hit@1 (" + r.singleImages() + " single-label images)", num(r.hitAt1()));
            row(s, "hit@5", num(r.hitAt5()));
        }
        if (r.localisation() != null) {
            SceneEvaluation.Localised l = r.localisation();
            row(s, "map normalisation", l.scale().id());
            row(s, String.format(Locale.ROOT, "mIoU at %.2f (background included)", l.threshold()), num(l.miou()));
            row(s, String.format(Locale.ROOT, "mIoU at %.2f (labels only)", l.threshold()), num(l.miouForeground()));
            row(s, String.format(Locale.ROOT, "best mIoU (threshold %.2f)", l.bestThreshold()), num(l.bestMiou()));
        }
        if (r.segmentation() != null) {
            row(s, "k-means (k=" + r.segmentation().k() + ") best-segment IoU over " + r.segmentation().regions() + " regions",
                    num(r.segmentation().meanBestIou()));
        }
        if (r.search() != null) {
            row(s, "map search P@10 (" + r.search().queries() + " queries, " + r.search().grid() + "×" + r.search().grid() + ")",
                    num(r.search().precisionAt10()));
            row(s, "map search plain P@10 (÷10)", num(r.search().plainPrecisionAt10()));
        }
        for (String note : r.notes()) s.append("\nNote: ").append(note).append('.');
        return s.append('\n').toString();
    }

    /** Writes every file into {@code out} at once and returns their paths. */
    public static List<Path> write(SceneEvaluation.Result r, Map<String, Object> provenance, Path out) throws IOException {
        List<String> names = new ArrayList<>();
        try (StagedDirectory staged = StagedDirectory.create(out, MARKER)) {
            Path dir = staged.path();
            Files.writeString(dir.resolve("eval.md"), "# Scene evaluation\n\n" + markdown(r), StandardCharsets.UTF_8);
            names.add("eval.md");
            StringBuilder ap = new StringBuilder("label,ap\n");
            r.perLabelAp().forEach((label, v) -> ap.append(csv(label)).append(',').append(Double.isNaN(v) ? "" : num(v)).append('\n'));
            Files.writeString(dir.resolve("ap.csv"), ap.toString(), StandardCharsets.UTF_8);
            names.add("ap.csv");
            if (r.localisation() != null) names.addAll(curve(r.localisation(), dir));
            Map<String, Object> json = json(r, provenance);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(MARKER).toFile(), json);
            names.add(MARKER);
            staged.commit();
        }
        return names.stream().map(out::resolve).toList();
    }

    private static List<String> curve(SceneEvaluation.Localised l, Path dir) throws IOException {
        StringBuilder s = new StringBuilder("threshold,miou,miou_foreground\n");
        List<String> categories = new ArrayList<>();
        int mark = 0;
        for (int j = 0; j < l.thresholds().length; j++) {
            s.append(num(l.thresholds()[j])).append(',').append(num(l.miouCurve()[j])).append(',').append(num(l.foregroundCurve()[j])).append('\n');
            categories.add(String.format(Locale.ROOT, "%.2f", l.thresholds()[j]));
            if (Math.abs(l.thresholds()[j] - l.threshold()) < 1e-9) mark = j;
        }
        Files.writeString(dir.resolve("localisation-curve.csv"), s.toString(), StandardCharsets.UTF_8);
        List<Path> plots = LinePlot.builder().setTitle("Localisation mIoU by threshold").setCategories(categories)
                .addSeries("mIoU (background included)", l.miouCurve()).addSeries("mIoU (labels only)", l.foregroundCurve())
                .optAxisLabels("threshold on " + (l.scale() == SceneEvaluation.MapScale.SIGMOID ? "sigmoid(map)" : "the image-range-scaled map"), "mIoU").optYRange(0, 1)
                .optMark(mark, l.miouCurve()[mark], String.format(Locale.ROOT, "%.3f at %.2f", l.miouCurve()[mark], l.threshold()))
                .build().save(dir.resolve("localisation-curve"));
        List<String> out = new ArrayList<>(List.of("localisation-curve.csv"));
        for (Path p : plots) out.add(p.getFileName().toString());
        return out;
    }

    /** Provenance every evaluation carries. */
    public static Map<String, Object> provenance(Path scores, Map<String, Object> scoresManifest, String data, long seed) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("imvec_version", Version.get());
        p.put("created", Instant.now().toString());
        p.put("scores", scores.toString());
        p.put("scores_manifest", scoresManifest);
        p.put("data", data);
        p.put("seed", seed);
        return p;
    }

    private static void row(StringBuilder s, String name, String value) {
        s.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
