package imvec.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.FolderSet;
import imvec.data.LabelsCsv;
import imvec.data.Preprocess;
import imvec.extract.LayerRequest;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.ModelCard;
import imvec.model.Tensor;
import imvec.store.Manifest;
import imvec.util.Hashing;
import imvec.util.Suggestions;
import imvec.util.UserError;
import imvec.util.Version;
import imvec.zoo.Backbones;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import static org.apache.spark.sql.functions.col;

/**
 * {@code imvec extract} on Apache Spark: images from any Hadoop file system path (local, HDFS,
 * S3A) through Spark's {@code binaryFile} source, labelled as a {@code folder:} spec labels them,
 * preprocessed and run through the ONNX backbone on the executors (the model file goes to them as
 * a broadcast, see {@link ExecutorModels}), written as Parquet under
 * {@code OUT/rows} with {@code OUT/manifest.json} beside it (see {@link SparkSchema}).
 *
 * <p>The rows reach {@code OUT/rows} only through Spark's output commit protocol: task outputs
 * are committed when the job commits, so a killed driver leaves no {@code _SUCCESS} and no
 * manifest, and a rerun overwrites the directory whole. The manifest is written last; its
 * presence marks a finished output, as it does for a run directory.
 */
public final class SparkExtract {
    public static final String ROWS = "rows";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Partitions per core when --partitions is not given (see {@link #splitFiles}). */
    static final int MIN_PARTITIONS_PER_CORE = 4;
    private static final long OPEN_COST_BYTES = 8 * 1024;

    public record Result(String out, Manifest manifest, long rows, long skipped, double seconds,
                         double imagesPerSecond, int partitions, boolean alreadyComplete) {
    }

    private final String data;
    private final Path labelsCsv;
    private final Path model;
    private final ModelCard card;
    private final Preprocess preprocess;
    private final List<LayerRequest> layers;
    private final int topK;
    private final String topKLayer;
    private final List<String> modelClasses;
    private final int batchSize;
    private final int partitions;
    private final int threadsPerTask;
    private final boolean force;
    private final long seed;

    private SparkExtract(Builder b) {
        this.data = Objects.requireNonNull(b.data, "setData");
        this.model = Objects.requireNonNull(b.model, "setModel");
        this.preprocess = Objects.requireNonNull(b.preprocess, "setPreprocess");
        this.layers = List.copyOf(Objects.requireNonNull(b.layers, "setLayers"));
        this.labelsCsv = b.labelsCsv;
        this.card = b.card;
        this.topK = b.topK;
        this.topKLayer = b.topKLayer;
        this.modelClasses = b.modelClasses;
        this.batchSize = b.batchSize;
        this.partitions = b.partitions;
        this.threadsPerTask = b.threadsPerTask;
        this.force = b.force;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The data root as a Hadoop path: {@code folder:PATH} or a bare path or URI. */
    static String root(String data) {
        String d = data.startsWith("folder:") ? data.substring("folder:".length()) : data;
        if (d.isBlank()) throw new UserError("no data path given in '" + data + "'.");
        if (d.matches(".*\\[(:|spread )\\d+]")) {
            throw new UserError("spark-extract reads whole folders; the subset suffix in '" + data + "' is not supported.");
        }
        return d;
    }

    public Result run(SparkSession spark, String out) throws IOException {
        try (Backbone b = Backbones.open(model, card)) {
            return run(spark, out, b);
        }
    }

    /**
     * The job with the driver's copy of the model already open (the caller's, which it closes):
     * the command opens it anyway to read the layers, and opening it twice cost the cold start a
     * second ONNX Runtime session. It must be the model file given to {@link Builder#setModel}.
     */
    public Result run(SparkSession spark, String out, Backbone b) throws IOException {
        long start = System.nanoTime();
        OutputDir dir = new OutputDir(spark, out);
        String outputLayer = validate(b);
        long[][] sourceShapes = sourceShapes(b, outputLayer);
        String fingerprint = fingerprint(b, outputLayer);
        Manifest done = dir.finished(fingerprint, force);
        if (done != null) return new Result(out, done, done.n(), done.skipped().size(), 0, 0, 0, true);

        Labelled in = labelled(spark, root(data));
        Broadcast<byte[]> bytes = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(Files.readAllBytes(model));
        String cardJson = b.card() == null ? null : Manifest.json().writeValueAsString(b.card());
        PartitionExtractor job = new PartitionExtractor(b.sha256(), bytes, model.getFileName().toString(), cardJson,
                preprocess, layers, outputLayer, topK, batchSize, threadsPerTask);
        StructType schema = SparkSchema.of(layers, topK > 0);
        Dataset<Row> rows = in.rows().mapPartitions(job, Encoders.row(schema));
        // The partitions are counted from the write job's tasks: asking the Dataset for them
        // (rows.rdd()) would plan the whole query a second time, a second or more of a cold start.
        String group = "imvec-spark-extract-" + UUID.randomUUID();
        spark.sparkContext().setJobGroup(group, "imvec spark-extract " + data, false);
        int parts;
        try {
            // Dictionary encoding suits repeated values, not activations: Parquet would build a
            // dictionary of every float per page and then throw it away.
            rows.write().mode(SaveMode.Overwrite).option("parquet.enable.dictionary", "false").parquet(dir.rows());
            parts = tasksOf(spark, group);
        } finally {
            spark.sparkContext().clearJobGroup();
            bytes.destroy();
        }

        // One pass over the committed rows (two columns of them) for the count and the unreadable
        // images. The schema is the one just written: inferring it would be one more job reading footers.
        Row summary = spark.read().schema(schema).parquet(dir.rows()).agg(functions.count(functions.lit(1)),
                functions.collect_list(functions.when(col(SparkSchema.ERROR).isNotNull(),
                        functions.struct(col(SparkSchema.ID), col(SparkSchema.ERROR))))).first();
        long total = summary.getLong(0);
        List<Manifest.Skipped> skipped = new ArrayList<>();
        for (Row r : summary.<Row>getList(1)) skipped.add(new Manifest.Skipped(r.getString(0), r.getString(1)));
        skipped.sort(java.util.Comparator.comparing(Manifest.Skipped::id));
        long n = total - skipped.size();
        if (n == 0) throw new UserError("no image under " + data + " could be read; nothing was extracted.");
        Manifest m = manifest(b, outputLayer, sourceShapes, in.classes(), fingerprint, (int) n, (int) total, skipped,
                spark, parts);
        dir.writeManifest(m);
        double secs = (System.nanoTime() - start) / 1e9;
        return new Result(out, m, n, skipped.size(), secs, total / secs, parts, false);
    }

    /** The most tasks of any stage of the jobs in {@code group}: the write's partitions. */
    private static int tasksOf(SparkSession spark, String group) {
        JavaSparkStatusTracker status = JavaSparkContext.fromSparkContext(spark.sparkContext()).statusTracker();
        int tasks = 0;
        for (int job : status.getJobIdsForGroup(group)) {
            SparkJobInfo info = status.getJobInfo(job);
            if (info == null) continue;
            for (int stage : info.stageIds()) {
                SparkStageInfo st = status.getStageInfo(stage);
                if (st != null) tasks = Math.max(tasks, st.numTasks());
            }
        }
        return tasks;
    }

    // ---- checks --------------------------------------------------------------------------

    /** The same checks as {@code imvec extract}; returns the classifier output used for top-k. */
    private String validate(Backbone b) {
        if (layers.isEmpty()) throw new UserError("no layers requested; pass --layers.");
        Set<String> known = new LinkedHashSet<>();
        for (LayerInfo l : b.layers()) known.add(l.name());
        Set<String> seen = new HashSet<>();
        for (LayerRequest r : layers) {
            if (!seen.add(r.name())) throw new UserError("layer '" + r.name() + "' is requested twice.");
            if (!r.name().equals(LayerRequest.INPUT) && !known.contains(r.name())) {
                throw new UserError("unknown layer '" + r.name() + "' in " + model.getFileName()
                        + Suggestions.didYouMean(r.name(), known) + " (list them with `imvec layers`).");
            }
        }
        String cardOutput = b.card() == null ? null : b.card().outputLayer();
        String output = topKLayer != null ? topKLayer : cardOutput != null ? cardOutput : "probabilities";
        if (topK > 0 && !known.contains(output)) {
            throw new UserError("--topk needs the classifier output '" + output + "', which " + model.getFileName()
                    + " does not have" + Suggestions.didYouMean(output, known) + ".");
        }
        if (batchSize < 1) throw new UserError("--batch must be positive, got " + batchSize + ".");
        if (b.getClass() != imvec.onnx.OnnxBackbone.class) {
            throw new UserError("spark-extract runs ONNX models; " + model + " is not an .onnx file.");
        }
        return output;
    }

    /** Each layer's shape for one image, from one forward pass of a blank image on the driver. */
    private long[][] sourceShapes(Backbone b, String outputLayer) {
        List<String> names = new ArrayList<>();
        for (LayerRequest r : layers) if (!r.name().equals(LayerRequest.INPUT)) names.add(r.name());
        if (topK > 0 && !names.contains(outputLayer)) names.add(outputLayer);
        Map<String, Tensor> out = names.isEmpty() ? Map.of() : b.forward(new float[preprocess.size()], 1, names);
        if (topK > 0 && out.get(outputLayer).rowLength() < topK) {
            throw new UserError("--topk " + topK + " is larger than the " + out.get(outputLayer).rowLength()
                    + " classes of the output layer.");
        }
        long[][] shapes = new long[layers.size()][];
        for (int i = 0; i < layers.size(); i++) {
            LayerRequest r = layers.get(i);
            shapes[i] = r.name().equals(LayerRequest.INPUT)
                    ? new long[]{1, preprocess.channels(), preprocess.height(), preprocess.width()}
                    : out.get(r.name()).shape();
        }
        return shapes;
    }

    private String fingerprint(Backbone b, String outputLayer) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("engine", "spark");
        f.put("data", root(data));
        f.put("labels_file", labelsCsv == null ? null : labelsCsv.toString());
        f.put("model", b.sha256());
        f.put("layers", layers.stream().map(l -> l.name() + "@" + l.pool().label()).toList());
        f.put("preprocess", preprocess.describe());
        f.put("topk", topK > 0 ? topK + "@" + outputLayer : null);
        f.put("model_classes", modelClasses);
        try {
            return Hashing.sha256(JSON.writeValueAsBytes(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- labels --------------------------------------------------------------------------

    /** Rows {@code (id, label, class_index, content)} and the sorted class names. */
    record Labelled(Dataset<Row> rows, List<String> classes) {
    }

    /**
     * Ids are paths relative to the root with {@code /}; labels follow {@link FolderSet}: the parent
     * folder, or the file name up to its first {@code _}, or the labels CSV, which also restricts
     * the set to the images it lists. Classes are the sorted label names, as for {@code folder:}.
     */
    private Labelled labelled(SparkSession spark, String root) {
        splitFiles(spark);
        Dataset<Row> files;
        String prefix;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root);
            FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.getFileStatus(p).isDirectory()) {
                throw new UserError(root + " is not a directory; spark-extract reads a folder of images (no archives).");
            }
            prefix = fs.makeQualified(p).toString();
            files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root);
        } catch (java.io.FileNotFoundException e) {
            throw new UserError(root + " does not exist (from data " + data + ").");
        } catch (IOException e) {
            throw new UserError("cannot list the images under " + root + " (" + e.getMessage() + ").", e);
        } catch (Exception e) {
            // Scala's AnalysisException (no files to read) is checked in Java but never declared.
            if (e instanceof AnalysisException) throw new UserError(root + " holds no image files (" + e.getMessage() + ").", e);
            if (e instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e);
        }
        String pre = prefix.endsWith("/") ? prefix : prefix + "/";
        // Unnamed functions: registering names in the session would replace (and warn about) those of
        // an earlier job in the same session.
        UserDefinedFunction id = functions.udf((UDF1<String, String>) path -> relativeId(path, pre), DataTypes.StringType);
        UserDefinedFunction folderLabel = functions.udf((UDF1<String, String>) FolderSet::labelOf, DataTypes.StringType);
        UserDefinedFunction isImage = functions.udf((UDF1<String, Boolean>) FolderSet::isImageId, DataTypes.BooleanType);
        // A column filter, not a typed one: a typed filter needs whole rows, so the class listing
        // below would read every image's bytes once more; this way only the paths are read for it.
        Dataset<Row> ids = files.select(id.apply(col("path")).as(SparkSchema.ID), col("content"))
                .filter(isImage.apply(col(SparkSchema.ID)));
        Dataset<Row> named = labelsCsv == null
                ? ids.withColumn(SparkSchema.LABEL, folderLabel.apply(col(SparkSchema.ID)))
                : joinCsv(spark, ids, root);
        List<String> classes = labelsCsv == null ? folderClasses(files, pre) : csvClasses(named);
        if (classes.isEmpty()) {
            throw new UserError("folder " + root + " holds no image files (" + String.join(", ", new java.util.TreeSet<>(FolderSet.EXTENSIONS))
                    + "), subfolders included.");
        }
        Collections.sort(classes);
        List<String> frozen = List.copyOf(classes);
        UserDefinedFunction classIndex = functions.udf((UDF1<String, Integer>) label -> Collections.binarySearch(frozen, label),
                DataTypes.IntegerType);
        Dataset<Row> withIndex = named.select(col(SparkSchema.ID), col(SparkSchema.LABEL),
                classIndex.apply(col(SparkSchema.LABEL)).as(SparkSchema.CLASS_INDEX), col("content"));
        return new Labelled(withIndex, frozen);
    }

    /**
     * How Spark groups image files into partitions. Spark charges every file a fixed 4 MB "open
     * cost", which for images of ~100 KB makes partitions of ~30 images whatever the job's size:
     * 10M images would be 300k tasks and 300k Parquet files. A task's work grows with the bytes it
     * decodes, so the open cost is lowered to a small share of a photo unless the user set it, and
     * at least {@link #MIN_PARTITIONS_PER_CORE} partitions per core (or --partitions) keep the
     * cores evenly busy to the end on small jobs; large jobs split at Spark's 128 MB per partition.
     */
    private void splitFiles(SparkSession spark) {
        int min = partitions > 0 ? partitions : MIN_PARTITIONS_PER_CORE * spark.sparkContext().defaultParallelism();
        spark.conf().set("spark.sql.files.minPartitionNum", min);
        // getAll holds what was set (getOption would answer with the default).
        if (!spark.conf().getAll().contains("spark.sql.files.openCostInBytes")) {
            spark.conf().set("spark.sql.files.openCostInBytes", OPEN_COST_BYTES);
        }
    }

    /**
     * The class names of a folder, from the file listing Spark already holds on the driver (the
     * {@code binaryFile} source lists every file when it is loaded): no Spark job, which on a cold
     * start was a stage of its own and the first query's code generation. Its paths are URIs (a
     * space is {@code %20}); the {@code path} column the ids come from is the decoded form.
     */
    private static List<String> folderClasses(Dataset<Row> files, String prefix) {
        Set<String> classes = new java.util.TreeSet<>();
        for (String uri : files.inputFiles()) {
            String id = relativeId(new org.apache.hadoop.fs.Path(java.net.URI.create(uri)).toString(), prefix);
            if (FolderSet.isImageId(id)) classes.add(FolderSet.labelOf(id));
        }
        return new ArrayList<>(classes);
    }

    /** The labels a CSV gives the images it names (those under the root), by a Spark job over the join. */
    private static List<String> csvClasses(Dataset<Row> named) {
        List<String> classes = new ArrayList<>();
        for (Row r : named.select(SparkSchema.LABEL).distinct().collectAsList()) classes.add(r.getString(0));
        return classes;
    }

    static String relativeId(String path, String prefix) {
        if (!path.startsWith(prefix)) throw new IllegalStateException(path + " is not under " + prefix);
        return path.substring(prefix.length());
    }

    /** The CSV is read and checked by imvec's own reader; every path it names must be an image under the root. */
    private Dataset<Row> joinCsv(SparkSession spark, Dataset<Row> ids, String root) {
        List<Row> rows = new ArrayList<>();
        for (LabelsCsv.Row r : LabelsCsv.read(labelsCsv)) rows.add(RowFactory.create(r.path(), r.label(), r.line()));
        Dataset<Row> csv = spark.createDataFrame(rows, DataTypes.createStructType(List.of(
                DataTypes.createStructField("csv_id", DataTypes.StringType, false),
                DataTypes.createStructField(SparkSchema.LABEL, DataTypes.StringType, false),
                DataTypes.createStructField("csv_line", DataTypes.IntegerType, false))));
        List<Row> missing = csv.join(ids.select(SparkSchema.ID), col("csv_id").equalTo(col(SparkSchema.ID)), "left_anti")
                .orderBy("csv_line").limit(1).collectAsList();
        if (!missing.isEmpty()) {
            throw new UserError(labelsCsv + " line " + missing.get(0).getInt(2) + " names " + missing.get(0).getString(0)
                    + ", which is not an image file in folder:" + root);
        }
        return ids.join(csv, col(SparkSchema.ID).equalTo(col("csv_id")), "inner")
                .select(col(SparkSchema.ID), col(SparkSchema.LABEL), col("content"));
    }

    // ---- manifest ------------------------------------------------------------------------

    private Manifest manifest(Backbone b, String outputLayer, long[][] sourceShapes, List<String> classes, String fingerprint,
                              int n, int total, List<Manifest.Skipped> skipped, SparkSession spark, int parts) {
        Map<String, String> columns = SparkSchema.layerColumns(layers);
        List<Manifest.Layer> stored = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerRequest r = layers.get(i);
            long[] src = sourceShapes[i].clone();
            src[0] = -1;
            stored.add(new Manifest.Layer(r.name(), "layers/" + r.fileName(), new long[]{n, r.pool().width(sourceShapes[i])},
                    r.pool().label(), src, null));
        }
        Manifest.TopK topk = null;
        if (topK > 0) {
            List<String> names = modelClasses != null ? modelClasses
                    : b.card() != null && b.card().classes() != null ? b.card().classes() : null;
            topk = names == null
                    ? new Manifest.TopK(topK, outputLayer, "topk_indices.npy", "topk_probs.npy", null, "model", null)
                    : new Manifest.TopK(topK, outputLayer, "topk_indices.npy", "topk_probs.npy", "topk_model_indices.npy", "dataset", names);
        }
        Map<String, Object> extraction = new LinkedHashMap<>();
        extraction.put("fingerprint", fingerprint);
        extraction.put("engine", "spark " + spark.version());
        extraction.put("master", spark.sparkContext().master());
        extraction.put("partitions", parts);
        extraction.put("batch_size", batchSize);
        extraction.put("threads_per_task", threadsPerTask > 0 ? threadsPerTask : Integer.parseInt(spark.conf().get("spark.task.cpus", "1")));
        extraction.put("parquet", ROWS);
        extraction.put("columns", columns);
        return new Manifest(Version.get(), Instant.now().toString(), n, stored, "labels.npy", "classes.txt", classes, "ids.txt",
                new Manifest.Model(model.toAbsolutePath().toString(), b.sha256(), b.getClass().getSimpleName(), b.card()),
                new Manifest.Data("folder:" + root(data), total, labelsCsv == null ? null : labelsCsv.toString(), preprocess.describe()),
                seed, topk, skipped, extraction);
    }

    public static final class Builder {
        private String data;
        private Path labelsCsv;
        private Path model;
        private ModelCard card;
        private Preprocess preprocess;
        private List<LayerRequest> layers;
        private int topK;
        private String topKLayer;
        private List<String> modelClasses;
        private int batchSize = 32;
        private int partitions;
        private int threadsPerTask;
        private boolean force;
        private long seed;

        /** A folder of images: {@code folder:PATH}, a path, or a Hadoop URI ({@code hdfs://…}, {@code s3a://…}). */
        public Builder setData(String data) { this.data = data; return this; }
        public Builder setModel(Path model) { this.model = model; return this; }
        public Builder setPreprocess(Preprocess preprocess) { this.preprocess = preprocess; return this; }
        public Builder setLayers(List<LayerRequest> layers) { this.layers = layers; return this; }
        public Builder optCard(ModelCard card) { this.card = card; return this; }
        public Builder optLabelsCsv(Path csv) { this.labelsCsv = csv; return this; }
        public Builder optTopK(int k) {
            if (k < 0) throw new UserError("--topk must be 0 (none) or more, got " + k + ".");
            this.topK = k;
            return this;
        }
        public Builder optTopKLayer(String layer) { this.topKLayer = layer; return this; }
        public Builder optModelClasses(List<String> classes) { this.modelClasses = classes; return this; }
        public Builder optBatchSize(int n) { this.batchSize = positive(n, "--batch"); return this; }
        /** At least this many input partitions (Spark's {@code spark.sql.files.minPartitionNum}); 0 (default) is four per core. */
        public Builder optPartitions(int n) {
            // Spark reads a negative minimum as "no minimum": refuse it rather than run a different job.
            if (n < 0) throw new UserError("--partitions must be 0 (Spark's split) or more, got " + n + ".");
            this.partitions = n;
            return this;
        }
        /** ONNX Runtime threads per task; 0 (default) is the cores Spark gives each task ({@code spark.task.cpus}, 1 unless set). */
        public Builder optThreadsPerTask(int n) {
            if (n < 0) throw new UserError("--threads-per-task must be 0 (the task's cores) or more, got " + n + ".");
            this.threadsPerTask = n;
            return this;
        }
        public Builder optForce(boolean force) { this.force = force; return this; }
        public Builder optSeed(long seed) { this.seed = seed; return this; }

        private static int positive(int n, String flag) {
            if (n <= 0) throw new UserError(flag + " must be positive, got " + n + ".");
            return n;
        }

        public SparkExtract build() {
            return new SparkExtract(this);
        }
    }
}
