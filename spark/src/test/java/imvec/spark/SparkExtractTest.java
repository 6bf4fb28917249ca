package imvec.spark;

import imvec.classvec.Centroids;
import imvec.data.FolderSet;
import imvec.store.LabelledMatrix;
import imvec.data.ImageSet;
import imvec.store.Manifest;
import imvec.util.UserError;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Spark extraction in local[2] against {@code imvec extract} on the same images and model. */
class SparkExtractTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkFixtures.local2();
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.stop();
    }

    @Test
    void importedParquetEqualsExtract(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), 12);
        SparkFixtures.extract(folder, null, tmp.resolve("extract"));

        SparkExtract.Result r = SparkFixtures.sparkJob(folder).optPartitions(3).build().run(spark, tmp.resolve("spark").toString());
        assertThat(r.partitions()).isGreaterThanOrEqualTo(2);
        assertThat(r.rows()).isEqualTo(12);
        assertThat(Files.exists(tmp.resolve("spark/rows/_SUCCESS"))).isTrue();
        ParquetImport.run(spark, tmp.resolve("spark").toString(), tmp.resolve("imported"), false);

        SparkFixtures.assertSameRun(tmp.resolve("extract"), tmp.resolve("imported"));

        // Centroids computed in Spark equal imvec's on the imported run (plain and on L2-normalised rows).
        for (boolean normalise : new boolean[]{false, true}) {
            Centroids.Result local = Centroids.of(LabelledMatrix.fromRun(tmp.resolve("imported"), "conv_pw_13_relu"), normalise);
            SparkCentroids.Result distributed = SparkCentroids.of(spark, tmp.resolve("spark").toString(), "conv_pw_13_relu", normalise);
            assertThat(distributed.vectors().names()).isEqualTo(local.vectors().names());
            assertThat(distributed.counts()).isEqualTo(local.counts());
            assertThat(distributed.missing()).isEqualTo(local.missing());
            for (int c = 0; c < local.vectors().size(); c++) {
                float[] x = distributed.vectors().vectors()[c], y = local.vectors().vectors()[c];
                for (int k = 0; k < y.length; k++) assertThat(x[k]).isCloseTo(y[k], within(Math.max(1e-6f, 2 * Math.ulp(y[k]))));
            }
        }
    }

    @Test
    void unreadableImagesAreRecordedWithTheirReason(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), 4);
        SparkExtract.Result r = SparkFixtures.sparkJob(folder).build().run(spark, tmp.resolve("spark").toString());

        assertThat(r.skipped()).isEqualTo(1);
        assertThat(r.manifest().skipped()).extracting(Manifest.Skipped::id).containsExactly("b/n99999999_broken.jpg");
        List<Row> bad = spark.read().parquet(tmp.resolve("spark/rows").toString()).filter(col(SparkSchema.ERROR).isNotNull()).collectAsList();
        assertThat(bad).hasSize(1);
        assertThat(bad.get(0).<String>getAs(SparkSchema.ERROR)).isNotBlank();
        assertThat(bad.get(0).<Object>getAs("layer_global_average_pooling2d_1")).isNull();
        assertThat(r.manifest().data().size()).isEqualTo(5);
    }

    @Test
    void labelsAreTheFolderSpecs(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), 8);
        SparkExtract.Result r = SparkFixtures.sparkJob(folder).build().run(spark, tmp.resolve("spark").toString());
        assertLabelsMatch(FolderSet.open(folder), r, tmp.resolve("spark"));

        // A labels CSV relabels and restricts, as for folder: (header, quotes, ./ prefixes).
        Path csv = tmp.resolve("labels.csv");
        List<String> lines = new ArrayList<>(List.of("path,label"));
        ImageSet all = FolderSet.open(folder);
        for (int i = 0; i < all.size(); i += 2) lines.add("./" + all.id(i) + ",\"group " + (i % 3) + "\"");
        Files.write(csv, lines);
        SparkExtract.Result relabelled = SparkFixtures.sparkJob(folder).optLabelsCsv(csv).build().run(spark, tmp.resolve("csv").toString());
        assertLabelsMatch(FolderSet.open(folder, csv), relabelled, tmp.resolve("csv"));
    }

    private static void assertLabelsMatch(ImageSet expected, SparkExtract.Result r, Path out) {
        assertThat(r.manifest().classNames()).isEqualTo(expected.classes());
        Dataset<Row> rows = spark.read().parquet(out.resolve("rows").toString()).orderBy(SparkSchema.ID);
        List<Row> got = rows.select(SparkSchema.ID, SparkSchema.LABEL, SparkSchema.CLASS_INDEX).collectAsList();
        assertThat(got).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(got.get(i).getString(0)).isEqualTo(expected.id(i));
            assertThat(got.get(i).getInt(2)).isEqualTo(expected.label(i));
            assertThat(got.get(i).getString(1)).isEqualTo(expected.classes().get(expected.label(i)));
        }
    }

    @Test
    void aFinishedOutputIsKeptAndOtherSettingsNeedForce(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), 4);
        String out = tmp.resolve("spark").toString();
        SparkFixtures.sparkJob(folder).build().run(spark, out);
        assertThat(SparkFixtures.sparkJob(folder).build().run(spark, out).alreadyComplete()).isTrue();
        assertThatThrownBy(() -> SparkFixtures.sparkJob(folder).optTopK(3).build().run(spark, out))
                .isInstanceOf(UserError.class).hasMessageContaining("--force");
    }

    @Test
    void theDefaultSplitGivesEveryCoreSeveralPartitionsAndReadsEachImageOnce(@TempDir Path tmp) throws Exception {
        Path folder = SparkFixtures.imageFolder(tmp.resolve("images"), 12);
        long imageBytes, folderBytes;
        try (var files = Files.walk(folder)) {
            folderBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        try (var files = Files.walk(folder)) {
            // What the job must read: every image file Hadoop lists (not the hidden one), the unreadable one included.
            imageBytes = files.filter(p -> FolderSet.isImageId(p.getFileName().toString()) && !p.getFileName().toString().startsWith("."))
                    .mapToLong(p -> p.toFile().length()).sum();
        }
        StageMetrics metrics = StageMetrics.attach(spark);
        SparkExtract.Result r = SparkFixtures.sparkJob(folder).build().run(spark, tmp.resolve("spark").toString());
        StageMetrics.Split split = metrics.extraction(spark);

        int cores = spark.sparkContext().defaultParallelism();
        assertThat(r.partitions()).isGreaterThanOrEqualTo(SparkExtract.MIN_PARTITIONS_PER_CORE * cores);
        assertThat(split.tasks()).isEqualTo(r.partitions());
        assertThat(split.records()).isEqualTo(r.rows() + r.skipped()).isEqualTo(13);
        assertThat(split.cpuSeconds()).isPositive();
        // The class listing needs paths only; before, it read every image's bytes a second time.
        assertThat(split.jobInputBytes()).isBetween(imageBytes, folderBytes * 3 / 2);
        assertThat(r.manifest().extraction()).containsEntry("threads_per_task", 1);
    }

    @Test
    void aMissingFolderIsOneClearError(@TempDir Path tmp) {
        assertThatThrownBy(() -> SparkFixtures.sparkJob(tmp.resolve("nowhere")).build().run(spark, tmp.resolve("o").toString()))
                .isInstanceOf(UserError.class).hasMessageContaining("does not exist");
    }
}
