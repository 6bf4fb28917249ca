package imvec.report;

import imvec.analysis.Pca;
import imvec.data.MultiLabelSet;
import imvec.spatial.AppliedModel;
import imvec.spatial.Projection;
import imvec.spatial.RegionEmbeddings;
import imvec.spatial.RegionPca;
import imvec.spatial.Scores;
import imvec.spatial.WordClusters;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.store.StagedDirectory;
import imvec.util.UserError;
import imvec.words.LabelVectors;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * The analyses of a spatial model's words and region embeddings over a collection, each written
 * as one output directory that appears whole ({@link StagedDirectory}) with a {@code manifest.json}
 * of provenance: diversity as a score and an axis, clusters around given words, and a PCA of the
 * region embeddings. Every input is checked before the backbone maps are computed.
 */
public final class RegionViews {
    /** What a command reads: the model, the images, the word vectors (optional where no word is asked for). */
    public record Inputs(Path model, String data, Path words, Path names) {
        AppliedModel open(boolean needsRegions) {
            return AppliedModel.open(model, data, needsRegions);
        }

        LabelVectors words(AppliedModel applied, List<String> wanted) throws IOException {
            if (words == null) throw new UserError("--word needs word vectors: give --words FILE.");
            return applied.words(wanted, words, names);
        }
    }

    private RegionViews() {
    }

    /**
     * Writes {@code diversity.csv} ({@code id,diversity}, plus the word's score with a word),
     * {@code diversity.png} (x = diversity; y = the word's score, or a seeded random spread
     * without one) and {@code manifest.json} into {@code out}.
     */
    public static Map<String, Object> diversity(Inputs in, String word, long seed, Path out, LongConsumer mapsDone) throws IOException {
        AppliedModel applied = in.open(true);
        LabelVectors vector = word == null ? null : in.words(applied, List.of(word));
        applied.computeMaps(mapsDone);
        double[] diversity = applied.regions().diversity();
        Scores scores = vector == null ? null : applied.score(vector);
        List<String> ids = applied.ids();
        int n = ids.size();
        float[] axes = new float[n * (word == null ? 1 : 2)];
        StringBuilder csv = new StringBuilder("id,diversity").append(word == null ? "" : "," + csvField(word)).append('\n');
        for (int i = 0; i < n; i++) {
            int w = word == null ? 1 : 2;
            axes[i * w] = (float) diversity[i];
            csv.append(csvField(ids.get(i))).append(String.format(Locale.ROOT, ",%.6f", diversity[i]));
            if (scores != null) {
                axes[i * w + 1] = scores.score(i, 0);
                csv.append(String.format(Locale.ROOT, ",%.6f", scores.score(i, 0)));
            }
            csv.append('\n');
        }
        List<String> axisNames = word == null ? List.of("diversity") : List.of("diversity", word);
        double[][] at = Projection.positions(new Scores(ids, axisNames, 0, 0, axes, new float[0]), 0, word == null ? -1 : 1, seed);
        Map<String, Object> summary = applied.provenance(word == null ? List.of() : List.of(word), in.words());
        summary.put("seed", seed);
        summary.put("definition", "per image, the mean over the head's k blocks of the mean squared distance of its unit-normalised"
                + " location embeddings to their mean (0 = every location alike, at most 1)");
        summary.put("mean_diversity", IntStream.range(0, n).mapToDouble(i -> diversity[i]).average().orElse(0));
        summary.put("most_diverse", ranked(ids, diversity, true, 5));
        summary.put("least_diverse", ranked(ids, diversity, false, 5));
        summary.put("files", List.of("diversity.csv", "diversity.png", "manifest.json"));
        try (StagedDirectory staged = StagedDirectory.create(out, "diversity.csv")) {
            Path dir = staged.path();
            SpatialViews.place(dir.resolve("diversity.png"), applied.scenes(), at,
                    "diversity of the region embeddings (lowest → highest in this collection)",
                    word == null ? "random spread (seed " + seed + ")" : "score of \"" + word + "\" (lowest → highest, up)", word != null);
            AtomicFiles.writeString(dir.resolve("diversity.csv"), csv.toString());
            writeManifest(dir, summary);
            staged.commit();
        }
        return summary;
    }

    /**
     * Writes {@code clusters.csv} ({@code id,cluster,score}: the word each image scores highest
     * on, or {@code none} below {@code minScore}, and that best score), {@code scores.csv} (every
     * word's score), one contact sheet per non-empty cluster ({@code cluster-<n>-<word>.png}, its
     * images by score, highest first, at most {@code perSheet}) and {@code manifest.json} with the
     * counts.
     */
    public static Map<String, Object> cluster(Inputs in, List<String> words, double minScore, int perSheet, Path out,
                                              LongConsumer mapsDone) throws IOException {
        if (words.size() < 2) throw new UserError("give --word at least twice: the words to cluster around.");
        if (perSheet < 1) throw new UserError("--per-sheet must be at least 1; got " + perSheet + ".");
        if (!(minScore >= 0 && minScore <= 1)) throw new UserError("--min-score must be between 0 and 1; got " + minScore + ".");
        AppliedModel applied = in.open(false);
        LabelVectors vectors = in.words(applied, words);
        applied.computeMaps(mapsDone);
        Scores scores = applied.score(vectors);
        WordClusters c = WordClusters.assign(scores, minScore);
        StringBuilder csv = new StringBuilder("id,cluster,score\n");
        for (int i = 0; i < c.ids().size(); i++) {
            csv.append(csvField(c.ids().get(i))).append(',').append(csvField(c.name(i)))
                    .append(String.format(Locale.ROOT, ",%.6f", c.score()[i])).append('\n');
        }
        Map<String, Object> summary = applied.provenance(words, in.words());
        summary.put("min_score", minScore);
        summary.put("rule", "each image goes to the word it scores highest on (the first given word on a tie), "
                + "or to 'none' when that score is below min_score");
        summary.put("counts", c.counts());
        List<String> files = new ArrayList<>(List.of("clusters.csv", "scores.csv"));
        try (StagedDirectory staged = StagedDirectory.create(out, "clusters.csv")) {
            Path dir = staged.path();
            int sheet = 0;
            for (String name : c.counts().keySet()) {
                sheet++;
                List<Integer> members = IntStream.range(0, c.ids().size()).filter(i -> c.name(i).equals(name)).boxed()
                        .sorted(Comparator.comparingDouble((Integer i) -> -c.score()[i])).toList();
                if (members.isEmpty()) continue;
                String file = String.format(Locale.ROOT, "cluster-%d-%s.png", sheet, name.replaceAll("[^A-Za-z0-9_-]", "_"));
                contactSheet(dir.resolve(file), c, name, applied.scenes(), members.subList(0, Math.min(perSheet, members.size())),
                        members.size());
                files.add(file);
            }
            AtomicFiles.writeString(dir.resolve("clusters.csv"), csv.toString());
            Projection.writeCsv(scores, dir.resolve("scores.csv"));
            files.add("manifest.json");
            summary.put("files", files);
            writeManifest(dir, summary);
            staged.commit();
        }
        return summary;
    }

    /** A cluster's sheet; in {@code none}, each caption also names the word that came closest. */
    private static void contactSheet(Path png, WordClusters c, String name, MultiLabelSet scenes, List<Integer> shown, int total)
            throws IOException {
        List<imvec.data.Image> images = new ArrayList<>();
        List<String> captions = new ArrayList<>();
        boolean none = name.equals(WordClusters.NONE);
        for (int i : shown) {
            images.add(scenes.read(i));
            captions.add((none ? c.words().get(c.best()[i]) + " " : "") + String.format(Locale.ROOT, "%.3f", c.score()[i]));
        }
        String title = "\"" + name + "\": " + total + (total == 1 ? " image" : " images")
                + (shown.size() < total ? ", the " + shown.size() + " highest-scoring shown" : "")
                + (none ? " (caption: the closest word and its score)" : " (caption: score)");
        ContactSheet.write(png, title, images, captions);
    }

    /**
     * Writes {@code points.npy} (float32, one row per location of every image, {@code dims}
     * columns), {@code points.csv} ({@code id,row,col,pc1,…,label}), {@code explained-variance.csv},
     * scatter plots coloured by {@code label} ({@code pca.png}/{@code .svg} for 2-D; the three
     * pairs for 3-D) and {@code manifest.json}. The label of a location is the word whose
     * localisation map is highest there when {@code words} are given, else its image's label.
     */
    public static Map<String, Object> pca(Inputs in, int dims, List<String> words, long seed, Path out, LongConsumer mapsDone)
            throws IOException {
        if (dims != 2 && dims != 3) throw new UserError("--dims must be 2 or 3; got " + dims + ".");
        AppliedModel applied = in.open(true);
        LabelVectors vectors = words.isEmpty() ? null : in.words(applied, words);
        applied.computeMaps(mapsDone);
        RegionEmbeddings regions = applied.regions();
        Pca.Result r = RegionPca.fit(regions, dims, seed);
        List<String> classes = new ArrayList<>();
        int[] colour = vectors == null ? imageLabels(applied.scenes(), regions.locations(), classes)
                : strongestWord(applied.score(vectors), classes);
        int p = regions.locations(), w = regions.width();
        float[] flat = new float[r.coordinates().length * dims];
        StringBuilder csv = new StringBuilder("id,row,col");
        for (int c = 0; c < dims; c++) csv.append(",pc").append(c + 1);
        csv.append(",label\n");
        for (int row = 0; row < r.coordinates().length; row++) {
            int image = row / p, at = row % p;
            csv.append(csvField(regions.ids().get(image))).append(',').append(at / w).append(',').append(at % w);
            for (int c = 0; c < dims; c++) {
                flat[row * dims + c] = (float) r.coordinates()[row][c];
                csv.append(String.format(Locale.ROOT, ",%.6f", r.coordinates()[row][c]));
            }
            csv.append(',').append(csvField(classes.get(colour[row]))).append('\n');
        }
        StringBuilder variance = new StringBuilder("component,explained_variance,explained_variance_ratio\n");
        for (int c = 0; c < dims; c++) {
            variance.append(String.format(Locale.ROOT, "pc%d,%.8g,%.8g%n", c + 1, r.explainedVariance()[c], r.explainedVarianceRatio()[c]));
        }
        Map<String, Object> summary = applied.provenance(words, in.words());
        summary.put("seed", seed);
        summary.put("points", r.coordinates().length);
        summary.put("input_dims", regions.perLocation());
        summary.put("rows", "every location of every image, its k blocks each scaled to unit length");
        summary.put("coloured_by", vectors == null ? "the image's label" : "the word whose localisation map is highest at the location");
        summary.put("explained_variance", r.explainedVariance());
        summary.put("explained_variance_ratio", r.explainedVarianceRatio());
        summary.put("method", r.method());
        List<String> files = new ArrayList<>(List.of("points.npy", "points.csv", "explained-variance.csv"));
        try (StagedDirectory staged = StagedDirectory.create(out, "points.csv")) {
            Path dir = staged.path();
            Npy.write(dir.resolve("points.npy"), flat, r.coordinates().length, dims);
            AtomicFiles.writeString(dir.resolve("points.csv"), csv.toString());
            AtomicFiles.writeString(dir.resolve("explained-variance.csv"), variance.toString());
            int[][] pairs = dims == 2 ? new int[][] {{0, 1}} : new int[][] {{0, 1}, {0, 2}, {1, 2}};
            for (int[] pair : pairs) {
                String stem = dims == 2 ? "pca" : "pca-pc" + (pair[0] + 1) + "-pc" + (pair[1] + 1);
                double[][] xy = new double[r.coordinates().length][];
                for (int i = 0; i < xy.length; i++) xy[i] = new double[] {r.coordinates()[i][pair[0]], r.coordinates()[i][pair[1]]};
                ScatterPlot.builder().setTitle("PCA of the region embeddings, " + xy.length + " locations")
                        .optAxisLabels(axis(r, pair[0]), axis(r, pair[1])).optClassNames(classes).build()
                        .save(dir.resolve(stem), xy, colour);
                files.add(stem + ".png");
                files.add(stem + ".svg");
            }
            files.add("manifest.json");
            summary.put("files", files);
            writeManifest(dir, summary);
            staged.commit();
        }
        return summary;
    }

    private static String axis(Pca.Result r, int c) {
        return String.format(Locale.ROOT, "PC%d (%.1f%%)", c + 1, 100 * r.explainedVarianceRatio()[c]);
    }

    /** Per location, its image's label: the class for one label, "several labels" or "no label" otherwise. */
    private static int[] imageLabels(MultiLabelSet scenes, int locations, List<String> classes) {
        int[] out = new int[scenes.size() * locations];
        for (int i = 0; i < scenes.size(); i++) {
            int[] labels = scenes.labels(i);
            String name = labels.length == 1 ? scenes.classes().get(labels[0]) : labels.length == 0 ? "no label" : "several labels";
            int index = classes.indexOf(name);
            if (index < 0) {
                index = classes.size();
                classes.add(name);
            }
            for (int p = 0; p < locations; p++) out[i * locations + p] = index;
        }
        return out;
    }

    /** Per location, the word whose localisation map (logits) is highest there; the first word on a tie. */
    private static int[] strongestWord(Scores s, List<String> classes) {
        classes.addAll(s.labels());
        int hw = s.height() * s.width(), l = s.labels().size();
        int[] out = new int[s.ids().size() * hw];
        for (int i = 0; i < s.ids().size(); i++) {
            for (int p = 0; p < hw; p++) {
                int best = 0;
                for (int j = 1; j < l; j++) {
                    if (s.maps()[(i * l + j) * hw + p] > s.maps()[(i * l + best) * hw + p]) best = j;
                }
                out[i * hw + p] = best;
            }
        }
        return out;
    }

    private static List<Map<String, Object>> ranked(List<String> ids, double[] values, boolean highest, int count) {
        return IntStream.range(0, ids.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> highest ? -values[i] : values[i]))
                .limit(count).map(i -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", ids.get(i));
                    m.put("diversity", values[i]);
                    return m;
                }).toList();
    }

    private static void writeManifest(Path dir, Map<String, Object> provenance) throws IOException {
        AtomicFiles.writeString(dir.resolve("manifest.json"), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(provenance));
    }

    private static String csvField(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
