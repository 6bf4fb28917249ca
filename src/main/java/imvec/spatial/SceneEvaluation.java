package imvec.spatial;

import imvec.analysis.AveragePrecision;
import imvec.analysis.KMeans;
import imvec.analysis.Localisation;
import imvec.analysis.MapSearch;
import imvec.data.MultiLabelSet;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Section 3 of issue 13: how well a scores directory's labels and maps match a multi-label set.
 * Over a chosen label list (seen or unseen): mAP over images; hit@1 and hit@5 when every image
 * has one label; localisation mIoU against the masks at a threshold, at the best threshold and
 * along a curve; k-means region segmentation of the per-location label profile; and map search
 * precision@10 for queries "X in cell A, not in cell B" drawn from the masks.
 */
public final class SceneEvaluation {
    /** Occupancy rules for generated queries: X fills at least half of cell A and under 5 % of cell B. */
    public static final double OCCUPIES = 0.5;
    public static final double ABSENT = 0.05;

    @FunctionalInterface
    public interface Progress {
        void update(long done, long total);
    }

    /**
     * How a pixel's winning map value becomes the number the threshold is compared with. The
     * head's per-location logits are not calibrated probabilities, least of all for unseen words
     * (their logits sit well below zero everywhere), so sigmoid alone leaves almost every pixel
     * under 0.8; scaling each image's maps to their own range, as class-activation-map work does,
     * makes the threshold a share of that image's strongest evidence.
     */
    public enum MapScale {
        /** Per image, (map − min)/(max − min) over all evaluated labels' maps at every location. */
        IMAGE_RANGE("image-range", "map scaled to [0, 1] by the minimum and maximum over all evaluated labels' maps of that image"),
        /** sigmoid(map): the per-location logit read as a probability. */
        SIGMOID("sigmoid", "sigmoid(map)");

        private final String id;
        private final String description;

        MapScale(String id, String description) {
            this.id = id;
            this.description = description;
        }

        public String id() {
            return id;
        }

        public String description() {
            return description;
        }

        public static MapScale parse(String id) {
            for (MapScale m : values()) if (m.id.equals(id)) return m;
            throw new UserError("--normalise must be image-range or sigmoid, not '" + id + "'.");
        }

        /** The winning values {@code logit} of one image as thresholdable numbers, given all its maps. */
        float[] apply(float[] logit, float[][] maps) {
            float[] p = new float[logit.length];
            if (this == SIGMOID) {
                for (int j = 0; j < p.length; j++) p[j] = (float) (1 / (1 + Math.exp(-logit[j])));
                return p;
            }
            float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
            for (float[] m : maps) {
                for (float v : m) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            // Bilinear values lie between their corners, so they stay inside [lo, hi].
            float range = hi - lo;
            if (!(range > 0)) return p;
            for (int j = 0; j < p.length; j++) p[j] = Math.min(1f, Math.max(0f, (logit[j] - lo) / range));
            return p;
        }
    }

    public record Localised(MapScale scale, double threshold, double miou, double miouForeground, double bestThreshold, double bestMiou,
                            double[] thresholds, double[] miouCurve, double[] foregroundCurve, long ignoredPixels) {
    }

    public record Segmented(int k, double meanBestIou, int regions) {
    }

    public record Searched(int grid, int queries, double precisionAt10, double plainPrecisionAt10, List<String> examples) {
    }

    public record Result(int images, List<String> labels, String labelsSource, AveragePrecision.Result map,
                         Double hitAt1, Double hitAt5, Integer singleImages, Localised localisation, Segmented segmentation,
                         Searched search, List<String> notes) {
        public Map<String, Double> perLabelAp() {
            Map<String, Double> out = new LinkedHashMap<>();
            for (int k = 0; k < labels.size(); k++) out.put(labels.get(k), map.perLabel()[k]);
            return out;
        }
    }

    private final ScoresDirectory scores;
    private final MultiLabelSet data;
    private final List<String> labels;
    private final String labelsSource;
    private final double threshold;
    private final MapScale scale;
    private final int segments;
    private final int grid;
    private final int queries;
    private final long seed;
    /** Chosen labels the scoring dropped for want of a word vector: listed in the notes, not evaluated. */
    private final List<String> notScored;

    private SceneEvaluation(Builder b) {
        this.scores = b.scores;
        this.data = b.data;
        this.labels = b.labels == null ? scores.labels() : b.labels.stream().filter(l -> !droppedByScoring(b.scores).contains(l)).toList();
        this.notScored = b.labels == null ? List.of() : b.labels.stream().filter(droppedByScoring(b.scores)::contains).toList();
        this.labelsSource = b.labels == null ? "all scored labels" : b.labelsSource;
        this.threshold = b.threshold;
        this.scale = b.scale;
        this.segments = b.segments;
        this.grid = b.grid;
        this.queries = b.queries;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private ScoresDirectory scores;
        private MultiLabelSet data;
        private List<String> labels;
        private String labelsSource;
        private double threshold = 0.8;
        private MapScale scale = MapScale.IMAGE_RANGE;
        private int segments = 4;
        private int grid = 2;
        private int queries = 100;
        private long seed;

        private Builder() {
        }

        public Builder setScores(ScoresDirectory scores) {
            this.scores = scores;
            return this;
        }

        /** The images scored, with their labels and (for localisation) masks. */
        public Builder setData(MultiLabelSet data) {
            this.data = data;
            return this;
        }

        /** Evaluate among these labels only (e.g. the unseen ones); {@code source} names the list. */
        public Builder optLabels(List<String> labels, String source) {
            if (labels.isEmpty()) throw new UserError("the label list " + source + " is empty");
            this.labels = List.copyOf(labels);
            this.labelsSource = source;
            return this;
        }

        /** The normalised map value a pixel's best label must exceed to take it (default 0.8). */
        public Builder optThreshold(double threshold) {
            if (!(threshold >= 0 && threshold <= 1)) throw new UserError("--threshold must be between 0 and 1, not " + threshold);
            this.threshold = threshold;
            return this;
        }

        /** How maps are normalised before the threshold (default {@link MapScale#IMAGE_RANGE}). */
        public Builder optScale(MapScale scale) {
            this.scale = java.util.Objects.requireNonNull(scale);
            return this;
        }

        /** k of the k-means region segmentation (default 4; 0 skips it). */
        public Builder optSegments(int k) {
            if (k < 0 || k > 64) throw new UserError("--segments must be between 0 and 64, not " + k);
            this.segments = k;
            return this;
        }

        /** Cells per side of the generated map-search queries (default 2, a 2×2 mosaic's grid). */
        public Builder optGrid(int grid) {
            if (grid < 1 || grid > 16) throw new UserError("--grid must be between 1 and 16, not " + grid);
            this.grid = grid;
            return this;
        }

        /** How many "X in A, not in B" queries to draw (default 100; 0 skips map search). */
        public Builder optQueries(int queries) {
            if (queries < 0) throw new UserError("--queries must be 0 or more, not " + queries);
            this.queries = queries;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public SceneEvaluation build() {
            if (scores == null || data == null) throw new IllegalStateException("SceneEvaluation needs setScores and setData");
            return new SceneEvaluation(this);
        }
    }

    /** The labels {@code imvec spatial score} dropped for want of a word vector, as its manifest lists them. */
    private static List<String> droppedByScoring(ScoresDirectory scores) {
        Object dropped = scores.manifest().get("dropped_labels");
        if (!(dropped instanceof List<?> list)) return List.of();
        return list.stream().map(String::valueOf).toList();
    }

    public Result run(Progress progress) throws IOException {
        List<String> notes = new ArrayList<>();
        if (!notScored.isEmpty()) {
            notes.add(notScored.size() + " chosen labels have no word vector, so the scoring dropped them: " + String.join(", ", notScored));
        }
        if (labels.isEmpty()) throw new UserError("none of the labels of " + labelsSource + " were scored in " + scores.dir() + ".");
        int[] columns = columns();
        int[] imageOf = images();
        int n = imageOf.length;
        int[] chosenOfClass = chosenOfClass();
        boolean[][] truth = new boolean[n][scores.labels().size()];
        for (int i = 0; i < n; i++) {
            for (int c : data.labels(imageOf[i])) {
                int k = chosenOfClass[c];
                if (k >= 0) truth[i][columns[k]] = true;
            }
        }
        AveragePrecision.Result map = AveragePrecision.mean(scores.scores(), truth, columns);
        if (map.labelsWithoutPositives() > 0) {
            notes.add(map.labelsWithoutPositives() + " of " + columns.length + " labels have no positive image and are left out of the mAP");
        }
        Double hit1 = null, hit5 = null;
        Integer single = null;
        if (IntStream.of(imageOf).allMatch(i -> data.labels(i).length == 1)) {
            int[] trueColumn = new int[n];
            for (int i = 0; i < n; i++) {
                int k = chosenOfClass[data.labels(imageOf[i])[0]];
                trueColumn[i] = k < 0 ? -1 : columns[k];
            }
            single = (int) IntStream.of(trueColumn).filter(c -> c >= 0).count();
            hit1 = AveragePrecision.hitAtK(scores.scores(), trueColumn, columns, 1);
            hit5 = AveragePrecision.hitAtK(scores.scores(), trueColumn, columns, 5);
        }
        Localised localised = null;
        Segmented segmented = null;
        Searched searched = null;
        if (!scores.hasMaps()) {
            notes.add("no maps: localisation, segmentation and map search skipped (" + scores.dir().getFileName() + " has no maps.npy, e.g. ConSE scores)");
        } else if (!data.hasMasks()) {
            notes.add(data.spec() + " has no masks, so localisation, segmentation and map search are skipped");
        } else {
            Pass pass = new Pass(columns, imageOf, chosenOfClass, progress, queries > 0 ? 2L * n : n);
            pass.run();
            localised = pass.localised();
            segmented = segments > 0 ? new Segmented(segments, pass.segmentIouSum / Math.max(1, pass.regions), pass.regions) : null;
            if (queries > 0) searched = search(columns, pass.occupancy, progress, n, notes);
        }
        return new Result(n, labels, labelsSource, map, hit1, hit5, single, localised, segmented, searched, List.copyOf(notes));
    }

    /** The score column of each chosen label. */
    private int[] columns() {
        int[] out = new int[labels.size()];
        for (int k = 0; k < labels.size(); k++) {
            out[k] = scores.labels().indexOf(labels.get(k));
            if (out[k] < 0) {
                throw new UserError("label '" + labels.get(k) + "' of " + labelsSource + " was not scored in " + scores.dir()
                        + Suggestions.didYouMean(labels.get(k), scores.labels()));
            }
        }
        return out;
    }

    /** The set's index of each scored image id. */
    private int[] images() {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < data.size(); i++) index.put(data.id(i), i);
        int[] out = new int[scores.ids().size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            Integer j = index.get(scores.ids().get(i));
            if (j == null) missing.add(scores.ids().get(i));
            out[i] = j == null ? -1 : j;
        }
        if (!missing.isEmpty()) {
            throw new UserError(missing.size() + " of the " + out.length + " scored images are not in " + data.spec() + ", e.g. '"
                    + missing.get(0) + "'; evaluate against the data the scores were made from");
        }
        return out;
    }

    /** Set class index → index in the chosen label list, or −1. */
    private int[] chosenOfClass() {
        int[] out = new int[data.classes().size()];
        for (int c = 0; c < out.length; c++) out[c] = labels.indexOf(data.classes().get(c));
        return out;
    }

    /** One pass over the maps and masks: the IoU curve, the k-means regions and each image's cell occupancy. */
    private final class Pass {
        private static final int CHUNK = 16;
        final int[] columns;
        final int[] imageOf;
        final int[] chosenOfClass;
        final Progress progress;
        final long total;
        final Localisation.IouCurve curve;
        final double[] thresholds;
        final List<Map<Integer, float[]>> occupancy = new ArrayList<>();
        long ignored;
        double segmentIouSum;
        int regions;

        Pass(int[] columns, int[] imageOf, int[] chosenOfClass, Progress progress, long total) {
            this.columns = columns;
            this.imageOf = imageOf;
            this.chosenOfClass = chosenOfClass;
            this.progress = progress;
            this.total = total;
            List<Double> t = new ArrayList<>();
            for (int i = 1; i <= 19; i++) t.add(i * 0.05);
            if (t.stream().noneMatch(v -> Math.abs(v - threshold) < 1e-9)) t.add(threshold);
            Collections.sort(t);
            this.thresholds = t.stream().mapToDouble(Double::doubleValue).toArray();
            this.curve = new Localisation.IouCurve(columns.length, thresholds);
        }

        /** Per image: the argmax segmentation, the truth per pixel, the occupancy and the k-means regions. */
        private record Scored(int[] label, float[] probability, int[] truth, long ignored, Map<Integer, float[]> occupancy,
                              double[] regionIous) {
        }

        void run() throws IOException {
            int n = imageOf.length;
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                List<Scored> chunk;
                try {
                    chunk = IntStream.range(from, to).parallel().mapToObj(this::score).toList();
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
                for (Scored s : chunk) {
                    curve.add(s.label(), s.probability(), s.truth());
                    ignored += s.ignored();
                    occupancy.add(s.occupancy());
                    if (s.regionIous() != null) {
                        for (double v : s.regionIous()) segmentIouSum += v;
                        regions += s.regionIous().length;
                    }
                }
                progress.update(to, total);
            }
        }

        private Scored score(int i) {
            try {
                MultiLabelSet.Mask mask = data.mask(imageOf[i]);
                float[][] maps = scores.maps(i, columns);
                int h = scores.mapHeight(), w = scores.mapWidth();
                Localisation.Argmax a = Localisation.argmax(maps, h, w, mask.height(), mask.width());
                float[] p = scale.apply(a.logit(), maps);
                int[] truth = new int[mask.values().length];
                long ignoredHere = 0;
                for (int j = 0; j < truth.length; j++) {
                    short v = mask.values()[j];
                    if (v == MultiLabelSet.Mask.IGNORE) {
                        truth[j] = -1;
                    } else if (v == MultiLabelSet.Mask.BACKGROUND) {
                        truth[j] = 0;
                    } else {
                        int k = chosenOfClass[v - 1];
                        truth[j] = k < 0 ? -1 : k + 1;
                        if (k < 0) ignoredHere++; // a class outside the chosen list can never be predicted
                    }
                }
                double[] regionIous = null;
                if (segments > 0) {
                    int[] seg = KMeans.segment(profile(maps, h, w), h, w, maps.length, segments, seed + i);
                    int[] raw = new int[mask.values().length];
                    for (int j = 0; j < raw.length; j++) raw[j] = mask.values()[j];
                    regionIous = Localisation.bestSegmentIou(seg, w, h, segments, raw, mask.width(), mask.height());
                }
                return new Scored(a.label(), p, truth, ignoredHere, occupancy(truth, mask.width(), mask.height()), regionIous);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Localised localised() {
            int at = 0;
            for (int j = 0; j < thresholds.length; j++) if (Math.abs(thresholds[j] - threshold) < 1e-9) at = j;
            double[] miou = new double[thresholds.length], fg = new double[thresholds.length];
            int best = 0;
            for (int j = 0; j < thresholds.length; j++) {
                miou[j] = curve.meanIou(j);
                fg[j] = curve.meanForegroundIou(j);
                if (miou[j] > miou[best]) best = j;
            }
            return new Localised(scale, threshold, miou[at], fg[at], thresholds[best], miou[best], thresholds, miou, fg, ignored);
        }
    }

    /** Locations × labels: each location's vector of label logits, the embedding k-means cuts. */
    private static float[] profile(float[][] maps, int h, int w) {
        int d = maps.length;
        float[] out = new float[h * w * d];
        for (int l = 0; l < d; l++) {
            for (int j = 0; j < h * w; j++) out[j * d + l] = maps[l][j];
        }
        return out;
    }

    /** Per chosen label present (0-based), the share of each grid cell's counted pixels it covers. */
    private Map<Integer, float[]> occupancy(int[] truth, int width, int height) {
        int cells = grid * grid;
        Map<Integer, long[]> counts = new HashMap<>();
        long[] cellPixels = new long[cells];
        for (int y = 0; y < height; y++) {
            int gy = Math.min(grid - 1, y * grid / height);
            for (int x = 0; x < width; x++) {
                int t = truth[y * width + x];
                if (t < 0) continue;
                int cell = gy * grid + Math.min(grid - 1, x * grid / width);
                cellPixels[cell]++;
                if (t > 0) counts.computeIfAbsent(t - 1, k -> new long[cells])[cell]++;
            }
        }
        Map<Integer, float[]> out = new HashMap<>();
        counts.forEach((k, c) -> {
            float[] f = new float[cells];
            for (int i = 0; i < cells; i++) f[i] = cellPixels[i] == 0 ? 0 : (float) c[i] / cellPixels[i];
            out.put(k, f);
        });
        return out;
    }

    /** A generated query: label k in cell a and not in cell b. */
    private record Query(int label, int a, int b) {
    }

    private Searched search(int[] columns, List<Map<Integer, float[]>> occupancy, Progress progress, int n, List<String> notes) throws IOException {
        int cells = grid * grid;
        java.util.TreeSet<Query> answerable = new java.util.TreeSet<>(java.util.Comparator.comparingInt(Query::label)
                .thenComparingInt(Query::a).thenComparingInt(Query::b));
        for (Map<Integer, float[]> occ : occupancy) {
            occ.forEach((k, f) -> {
                for (int a = 0; a < cells; a++) {
                    if (f[a] < OCCUPIES) continue;
                    for (int b = 0; b < cells; b++) if (b != a && f[b] < ABSENT) answerable.add(new Query(k, a, b));
                }
            });
        }
        if (answerable.isEmpty()) {
            notes.add("no label fills half a cell of a " + grid + "×" + grid + " grid in any mask, so map search is skipped");
            progress.update(2L * n, 2L * n);
            return null;
        }
        List<Query> drawn = new ArrayList<>(answerable);
        Collections.shuffle(drawn, new Random(seed));
        drawn = drawn.subList(0, Math.min(queries, drawn.size()));
        int[] queryLabels = drawn.stream().mapToInt(Query::label).distinct().toArray();
        Map<Integer, Integer> slot = new HashMap<>();
        int[] queryColumns = new int[queryLabels.length];
        for (int i = 0; i < queryLabels.length; i++) {
            slot.put(queryLabels[i], i);
            queryColumns[i] = columns[queryLabels[i]];
        }
        int h = scores.mapHeight(), w = scores.mapWidth();
        double[][] score = new double[drawn.size()][n];
        float[][] grids = new float[drawn.size()][];
        for (int q = 0; q < drawn.size(); q++) {
            float[] g = new float[cells];
            g[drawn.get(q).a()] = 1;
            g[drawn.get(q).b()] = -1;
            grids[q] = MapSearch.resample(g, grid, grid, h, w);
        }
        for (int i = 0; i < n; i++) {
            float[][] maps = scores.maps(i, queryColumns);
            for (float[] m : maps) MapSearch.sigmoidInPlace(m);
            for (int q = 0; q < drawn.size(); q++) {
                score[q][i] = MapSearch.score(new float[][] {grids[q]}, new float[][] {maps[slot.get(drawn.get(q).label())]});
            }
            if (i % 64 == 63 || i == n - 1) progress.update(n + i + 1L, 2L * n);
        }
        double capped = 0, plain = 0;
        List<String> examples = new ArrayList<>();
        for (int q = 0; q < drawn.size(); q++) {
            Query query = drawn.get(q);
            boolean[] relevant = new boolean[n];
            int relevantCount = 0;
            for (int i = 0; i < n; i++) {
                float[] f = occupancy.get(i).get(query.label());
                relevant[i] = f != null && f[query.a()] >= OCCUPIES && f[query.b()] < ABSENT;
                if (relevant[i]) relevantCount++;
            }
            int[] ranking = MapSearch.topK(score[q], 10);
            double p = MapSearch.precisionAtK(ranking, relevant, 10);
            capped += p;
            plain += MapSearch.plainPrecisionAtK(ranking, relevant, 10);
            if (examples.size() < 5) {
                examples.add(String.format(java.util.Locale.ROOT, "'%s' in cell %d, not in cell %d: %d relevant scenes, P@10 %.2f",
                        labels.get(query.label()), query.a(), query.b(), relevantCount, p));
            }
        }
        return new Searched(grid, drawn.size(), capped / drawn.size(), plain / drawn.size(), List.copyOf(examples));
    }
}
