package imvec.spark;

import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.col;

/**
 * Turns the Parquet output of {@link SparkExtract} into an ordinary run directory
 * ({@code manifest.json}, {@code layers/<name>.npy}, {@code labels.npy}, {@code ids.txt},
 * {@code classes.txt}, top-k files), rows in id order as {@code imvec extract} stores them.
 * Rows stream from Spark to the files, so the import holds one row at a time; everything is
 * written under {@code .import/} first and moved into place, the manifest last.
 */
public final class ParquetImport {
    private static final String STAGING = ".import";

    public record Result(Path run, int rows, int layers, int classes) {
    }

    private ParquetImport() {
    }

    public static Result run(SparkSession spark, String in, Path out, boolean force) throws IOException {
        Manifest m = readManifest(spark, in);
        if (Files.isRegularFile(out.resolve(Manifest.FILE))) {
            if (!force) throw new UserError(out + " already holds a finished run; pass --force to replace it or choose another --out.");
            Files.delete(out.resolve(Manifest.FILE));
        }
        Map<String, String> columns = OutputDir.columns(m);
        Dataset<Row> rows = spark.read().parquet(in + "/" + SparkExtract.ROWS)
                .filter(col(SparkSchema.ERROR).isNull()).orderBy(SparkSchema.ID);
        Path staging = out.resolve(STAGING);
        deleteTree(staging);
        Files.createDirectories(staging.resolve("layers"));
        int n = m.n();
        Outputs o = new Outputs(staging, m, n);
        try {
            int seen = 0;
            for (java.util.Iterator<Row> it = rows.toLocalIterator(); it.hasNext(); seen++) {
                if (seen == n) throw new UserError(in + " holds more readable rows than its manifest's " + n + "; it was changed after the extraction.");
                o.add(it.next(), columns);
            }
            if (seen != n) throw new UserError(in + " holds " + seen + " readable rows but its manifest says " + n + ".");
        } finally {
            o.close();
        }
        Files.createDirectories(out.resolve("layers"));
        List<String> files = new ArrayList<>(o.files());
        files.add("ids.txt");
        files.add("classes.txt");
        for (String f : files) AtomicFiles.move(staging.resolve(f), out.resolve(f));
        Map<String, Object> extraction = new LinkedHashMap<>(m.extraction());
        extraction.put("imported_from", in);
        new Manifest(m.imvecVersion(), m.created(), m.n(), m.layers(), m.labels(), m.classes(), m.classNames(), m.ids(),
                m.model(), m.data(), m.seed(), m.topk(), m.skipped(), extraction).write(out);
        deleteTree(staging);
        return new Result(out, n, m.layers().size(), m.classNames().size());
    }

    static Manifest readManifest(SparkSession spark, String in) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(in, Manifest.FILE);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (!fs.exists(p)) {
            throw new UserError(in + " is not a finished Spark extraction (no " + Manifest.FILE + "); run or rerun `imvec spark-extract` first.");
        }
        return OutputDir.read(fs, p);
    }

    /** One open .npy stream per stored array, with ids.txt and classes.txt. */
    private static final class Outputs {
        private final Map<String, OutputStream> layers = new LinkedHashMap<>();
        private final OutputStream labels;
        private final Writer ids;
        private final OutputStream topIndices;
        private final OutputStream topModelIndices;
        private final OutputStream topProbs;
        private final Map<Integer, Integer> modelToDataset = new HashMap<>();
        private final List<String> files = new ArrayList<>();
        private final Manifest.TopK topk;

        Outputs(Path staging, Manifest m, int n) throws IOException {
            for (Manifest.Layer l : m.layers()) layers.put(l.name(), open(staging, l.file(), "<f4", l.shape()));
            labels = open(staging, m.labels(), "<i4", n);
            ids = Files.newBufferedWriter(staging.resolve("ids.txt"), StandardCharsets.UTF_8);
            Files.writeString(staging.resolve("classes.txt"), String.join("\n", m.classNames()) + "\n");
            topk = m.topk();
            if (topk != null) {
                topIndices = open(staging, topk.indices(), "<i4", n, topk.k());
                topProbs = open(staging, topk.probs(), "<f4", n, topk.k());
                topModelIndices = topk.modelIndices() == null ? null : open(staging, topk.modelIndices(), "<i4", n, topk.k());
                if (topk.modelClasses() != null) {
                    // As imvec extract does: predictions named in the dataset's class ids, −1 for classes it lacks.
                    Map<String, Integer> datasetIndex = new HashMap<>();
                    for (int i = 0; i < m.classNames().size(); i++) datasetIndex.put(m.classNames().get(i), i);
                    for (int k = 0; k < topk.modelClasses().size(); k++) {
                        modelToDataset.put(k, datasetIndex.getOrDefault(topk.modelClasses().get(k), -1));
                    }
                }
            } else {
                topIndices = topProbs = topModelIndices = null;
            }
        }

        private OutputStream open(Path staging, String file, String dtype, long... shape) throws IOException {
            files.add(file);
            OutputStream o = new BufferedOutputStream(Files.newOutputStream(staging.resolve(file)), 1 << 16);
            o.write(Npy.header(dtype, shape));
            return o;
        }

        List<String> files() {
            return files;
        }

        void add(Row r, Map<String, String> columns) throws IOException {
            for (Map.Entry<String, OutputStream> e : layers.entrySet()) {
                Npy.writeFloats(e.getValue(), floats(r.getList(r.fieldIndex(columns.get(e.getKey())))));
            }
            Npy.writeInts(labels, new int[]{r.getInt(r.fieldIndex(SparkSchema.CLASS_INDEX))});
            ids.write(r.getString(r.fieldIndex(SparkSchema.ID)));
            ids.write('\n');
            if (topk != null) {
                int[] model = ints(r.getList(r.fieldIndex(SparkSchema.TOPK_INDICES)));
                Npy.writeFloats(topProbs, floats(r.getList(r.fieldIndex(SparkSchema.TOPK_PROBS))));
                if (topModelIndices == null) {
                    Npy.writeInts(topIndices, model);
                } else {
                    Npy.writeInts(topModelIndices, model);
                    int[] mapped = new int[model.length];
                    for (int j = 0; j < model.length; j++) mapped[j] = modelToDataset.getOrDefault(model[j], -1);
                    Npy.writeInts(topIndices, mapped);
                }
            }
        }

        void close() throws IOException {
            for (OutputStream o : layers.values()) o.close();
            labels.close();
            ids.close();
            for (OutputStream o : new OutputStream[]{topIndices, topModelIndices, topProbs}) if (o != null) o.close();
        }
    }

    private static float[] floats(List<Object> v) {
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Float) v.get(i);
        return out;
    }

    private static int[] ints(List<Object> v) {
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Integer) v.get(i);
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
