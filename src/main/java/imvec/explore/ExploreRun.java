package imvec.explore;

import imvec.data.Image;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.data.RelabelledSet;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run opened for exploring: the rows of one layer, labels, class names, ids, top-k
 * predictions, and the data set reopened from the manifest's spec so images are read by row.
 * Rows are the run's order; a row's image is found through its id, never through a path a
 * client sends.
 */
public final class ExploreRun {
    private final Path dir;
    private final Manifest manifest;
    private final String layer;
    private final float[][] rows;
    private final float[][] unitRows;
    private final int[] labels;
    private final List<String> classes;
    private final List<String> ids;
    private final Predictions predictions;
    private final Object dataLock = new Object();
    private volatile ImageSet data;
    private volatile int[] dataIndex;

    /**
     * Top-k predictions per row: {@code classes[indices[i][j]]} with probability {@code probs[i][j]};
     * {@code datasetClass[i][j]} is the data set's class index of that prediction, −1 when none.
     */
    public record Predictions(int k, List<String> classes, int[][] indices, float[][] probs, int[][] datasetClass) {
        public int top1(int row) {
            return datasetClass[row][0];
        }
    }

    private ExploreRun(Path dir, Manifest manifest, String layer, float[][] rows, int[] labels, List<String> ids,
                       Predictions predictions) {
        this.dir = dir;
        this.manifest = manifest;
        this.layer = layer;
        this.rows = rows;
        this.unitRows = unit(rows);
        this.labels = labels;
        this.classes = manifest.classNames();
        this.ids = ids;
        this.predictions = predictions;
    }

    /** Opens a finished run; {@code layer} null picks {@link #defaultLayer(Manifest)}. */
    public static ExploreRun open(Path dir, String layer) {
        if (!Files.isDirectory(dir)) throw new UserError(dir + " is not a directory; give --run a run directory made by `imvec extract`.");
        Manifest m = Manifest.read(dir);
        String name = layer == null ? defaultLayer(m) : layer;
        Manifest.Layer l = m.layer(name);
        float[][] x = Npy.readMatrix(dir.resolve(l.file()));
        int[] y = Npy.readInts(dir.resolve(m.labels()));
        List<String> ids = readIds(dir, m);
        if (x.length != m.n() || y.length != m.n() || ids.size() != m.n()) {
            throw new UserError(dir + " is inconsistent: the manifest says " + m.n() + " images but the layer has " + x.length
                    + " rows, labels.npy " + y.length + " and ids.txt " + ids.size() + ".");
        }
        if (m.n() == 0) throw new UserError(dir + " holds no images.");
        return new ExploreRun(dir, m, name, x, y, ids, readPredictions(dir, m));
    }

    /** The layer before the classifier output when top-k was stored, else the last layer: the richest map. */
    public static String defaultLayer(Manifest m) {
        if (m.layers() == null || m.layers().isEmpty()) throw new UserError("the run stores no layers.");
        List<Manifest.Layer> ls = m.layers();
        String out = m.topk() == null ? null : m.topk().layer();
        for (int i = ls.size() - 1; i >= 0; i--) {
            String n = ls.get(i).name();
            if (!n.equals(out) && !n.contains("prob") && !n.contains("logit")) return n;
        }
        return ls.get(ls.size() - 1).name();
    }

    private static List<String> readIds(Path dir, Manifest m) {
        Path f = dir.resolve(m.ids() == null ? "ids.txt" : m.ids());
        try {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
            return lines;
        } catch (IOException e) {
            throw new UserError("cannot read the run's ids from " + f + ": " + e.getMessage(), e);
        }
    }

    private static Predictions readPredictions(Path dir, Manifest m) {
        Manifest.TopK t = m.topk();
        if (t == null || t.indices() == null || t.probs() == null) return null;
        int[] dataIdx = Npy.read(dir.resolve(t.indices())).ints();
        float[] probs = Npy.read(dir.resolve(t.probs())).floats();
        int k = t.k(), n = m.n();
        int[][] datasetClass = reshape(dataIdx, n, k);
        float[][] p = new float[n][k];
        for (int i = 0; i < n; i++) System.arraycopy(probs, i * k, p[i], 0, k);
        boolean modelSpace = "model".equals(t.space());
        if (t.modelIndices() != null && t.modelClasses() != null) {
            int[][] model = reshape(Npy.read(dir.resolve(t.modelIndices())).ints(), n, k);
            return new Predictions(k, t.modelClasses(), model, p, datasetClass);
        }
        if (modelSpace) {
            // Model indices without names: they are the data set's classes only when the counts agree.
            List<String> names = new ArrayList<>();
            int max = 0;
            for (int v : dataIdx) max = Math.max(max, v);
            boolean same = max < m.classNames().size();
            for (int c = 0; c <= max; c++) names.add(same ? m.classNames().get(c) : "class " + c);
            return new Predictions(k, names, datasetClass, p, same ? datasetClass : filled(n, k));
        }
        return new Predictions(k, m.classNames(), datasetClass, p, datasetClass);
    }

    private static int[][] filled(int n, int k) {
        int[][] a = new int[n][k];
        for (int[] r : a) java.util.Arrays.fill(r, -1);
        return a;
    }

    private static int[][] reshape(int[] flat, int n, int k) {
        if (flat.length != n * k) throw new UserError("top-k file holds " + flat.length + " values, expected " + n + "×" + k + ".");
        int[][] a = new int[n][k];
        for (int i = 0; i < n; i++) System.arraycopy(flat, i * k, a[i], 0, k);
        return a;
    }

    private static float[][] unit(float[][] x) {
        float[][] u = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (float v : x[i]) s += (double) v * v;
            float inv = s > 0 ? (float) (1 / Math.sqrt(s)) : 0f;
            u[i] = new float[x[i].length];
            for (int j = 0; j < x[i].length; j++) u[i][j] = x[i][j] * inv;
        }
        return u;
    }

    public Path dir() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    public String layer() {
        return layer;
    }

    public int n() {
        return rows.length;
    }

    /** The layer's rows (shared, not copied). */
    public float[][] rows() {
        return rows;
    }

    /** Rows scaled to unit length, for cosine similarity. */
    float[][] unitRows() {
        return unitRows;
    }

    public int label(int row) {
        return labels[row];
    }

    public int[] labels() {
        return labels;
    }

    public List<String> classes() {
        return classes;
    }

    public String id(int row) {
        return ids.get(row);
    }

    public List<String> ids() {
        return ids;
    }

    /** Top-k predictions, or null when the run stored none. */
    public Predictions predictions() {
        return predictions;
    }

    /** Throws unless {@code row} names one of this run's images. */
    public int checkRow(int row) {
        if (row < 0 || row >= n()) throw new UserError("no image " + row + "; rows run from 0 to " + (n() - 1) + ".");
        return row;
    }

    /** Decodes the image of {@code row} from the run's data set. */
    public Image image(int row) throws IOException {
        checkRow(row);
        int[] index = index();
        if (index[row] < 0) throw new UserError("image " + id(row) + " is no longer in " + manifest.data().spec() + ".");
        return data.read(index[row]);
    }

    /** The data set reopened from the manifest, opened on first use. */
    public ImageSet data() {
        index();
        return data;
    }

    private int[] index() {
        int[] idx = dataIndex;
        if (idx != null) return idx;
        synchronized (dataLock) {
            if (dataIndex != null) return dataIndex;
            Manifest.Data d = manifest.data();
            if (d == null || d.spec() == null) throw new UserError("the run's manifest records no data spec, so its images cannot be shown.");
            // A spec that names its labels file carries it as an absolute path, which outlives a relative labels_file.
            Path labelsCsv = d.labelsFile() == null || d.spec().contains(RelabelledSet.FRAGMENT) ? null : Path.of(d.labelsFile());
            ImageSet set = DataSpecs.open(d.spec(), labelsCsv);
            Map<String, Integer> byId = new HashMap<>(set.size() * 2);
            for (int i = 0; i < set.size(); i++) byId.put(set.id(i), i);
            int[] map = new int[n()];
            for (int r = 0; r < n(); r++) map[r] = byId.getOrDefault(ids.get(r), -1);
            data = set;
            dataIndex = map;
            return map;
        }
    }
}
