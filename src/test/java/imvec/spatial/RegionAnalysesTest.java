package imvec.spatial;

import imvec.analysis.Pca;
import imvec.model.ProgressListener;
import imvec.util.UserError;
import imvec.words.LabelVectors;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.SingularValueDecomposition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Region embeddings, diversity, clusters around words and region PCA on a head trained on planted scenes. */
class RegionAnalysesTest {
    private static final int CLASSES = 4, SIDE = 4, CHANNELS = CLASSES + 2;
    private static CosineMapHead head;

    @BeforeAll
    static void trainATinyHead() {
        SpatialHeadTest.Planted train = SpatialHeadTest.Planted.make(120, CLASSES, 1);
        LabelVectors words = SpatialHeadTest.words(CLASSES, 12, 3);
        SpatialTraining training = SpatialTraining.builder().optBlocks(3).optEpochs(4).optLearningRate(1e-2).optBatchSize(16)
                .optFlip(false).optSeed(7).build();
        head = (CosineMapHead) training.train(TrainingScenes.of(train.maps(), train.labels(), words.names(), words),
                ProgressListener.NONE, SpatialTraining.BatchObserver.NONE).head();
    }

    private static List<String> ids(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add("img" + i);
        return out;
    }

    /** Image maps where location (y, x) lights channel {@code channelAt[y][x]}, plus noise of {@code noise}. */
    private static float[] scene(int[][] channelAt, double noise, Random r) {
        float[] out = new float[CHANNELS * SIDE * SIDE];
        for (int c = 0; c < CHANNELS; c++) {
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    out[(c * SIDE + y) * SIDE + x] = (float) ((c == channelAt[y][x] ? 3 : 0) + noise * Math.abs(r.nextGaussian()));
                }
            }
        }
        return out;
    }

    private static FeatureMaps maps(float[]... scenes) {
        float[] all = new float[scenes.length * scenes[0].length];
        for (int i = 0; i < scenes.length; i++) System.arraycopy(scenes[i], 0, all, i * scenes[0].length, scenes[0].length);
        return new FeatureMaps(scenes.length, CHANNELS, SIDE, SIDE, all);
    }

    private static int[][] grid(int left, int right) {
        int[][] g = new int[SIDE][SIDE];
        for (int y = 0; y < SIDE; y++) for (int x = 0; x < SIDE; x++) g[y][x] = x < SIDE / 2 ? left : right;
        return g;
    }

    @Test
    void regionEmbeddingsAreTheOneByOneConvolutionAtEveryLocation() {
        Random r = new Random(2);
        FeatureMaps m = maps(scene(grid(0, 1), 0.2, r), scene(grid(2, 2), 0.2, r));
        RegionEmbeddings e = RegionEmbeddings.compute(head, m, ids(2), 1, 1, d -> { });
        assertThat(e.locations()).isEqualTo(SIDE * SIDE);
        assertThat(e.perLocation()).isEqualTo(3 * 12);
        float[] w = head.params().get(0).values(), b = head.params().get(1).values();
        for (int image = 0; image < 2; image++) {
            for (int p : new int[] {0, 5, 15}) {
                for (int out = 0; out < e.perLocation(); out++) {
                    double expected = b[out];
                    for (int c = 0; c < CHANNELS; c++) expected += w[out * CHANNELS + c] * m.data()[(image * CHANNELS + c) * SIDE * SIDE + p];
                    assertThat(e.data()[e.offset(image) + p * e.perLocation() + out]).as("image %d location %d value %d", image, p, out)
                            .isCloseTo((float) expected, within(1e-4f));
                }
            }
        }
    }

    @Test
    void anImageWhoseLocationsAreIdenticalHasNoDiversityAndTwoRegionsHaveMoreThanOne() {
        Random r = new Random(4);
        float[] same = scene(grid(1, 1), 0, r), uniform = scene(grid(1, 1), 0.05, new Random(9)), two = scene(grid(1, 2), 0.05, new Random(9));
        double[] d = RegionEmbeddings.compute(head, maps(same, uniform, two), ids(3), 2, 1, x -> { }).diversity();
        assertThat(d[0]).isCloseTo(0, within(1e-9));
        assertThat(d[2]).as("two regions against one, same noise").isGreaterThan(d[1] + 0.05);
        for (double v : d) assertThat(v).isBetween(0.0, 1.0);
    }

    @Test
    void diversityStreamedBatchByBatchEqualsTheDiversityOfAllEmbeddingsAtOnce() {
        Random r = new Random(6);
        FeatureMaps m = maps(scene(grid(0, 1), 0.1, r), scene(grid(2, 2), 0.1, r), scene(grid(1, 2), 0.3, r), scene(grid(0, 0), 0.0, r));
        double[] whole = RegionEmbeddings.compute(head, m, ids(4), 4, 1, x -> { }).diversity();
        java.util.List<Long> done = new java.util.ArrayList<>();
        double[] streamed = RegionEmbeddings.diversity(head, m, 3, 1, done::add);
        assertThat(streamed).containsExactly(whole, within(1e-9));
        assertThat(done).containsExactly(3L, 4L);
        assertThatThrownBy(() -> RegionEmbeddings.diversity(PooledHead.create(CHANNELS, 12, 1), m, 2, 1, d -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("need a spatial head");
    }

    @Test
    void aPooledHeadHasNoRegionEmbeddings() {
        FeatureMaps m = maps(scene(grid(0, 1), 0.1, new Random(1)));
        assertThatThrownBy(() -> RegionEmbeddings.compute(PooledHead.create(CHANNELS, 12, 1), m, ids(1), 1, 1, d -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("pooled head").hasMessageContaining("need a spatial head");
    }

    @Test
    void imagesGoToTheWordTheyScoreHighestOn() {
        float[] s = {
                0.9f, 0.2f, 0.1f,   // a
                0.1f, 0.3f, 0.35f,  // c
                0.05f, 0.1f, 0.08f, // b, but below 0.2
                0.4f, 0.4f, 0.1f};  // a tie: the first word
        Scores scores = new Scores(ids(4), List.of("a", "b", "c"), 0, 0, s, new float[0]);
        WordClusters all = WordClusters.assign(scores, 0);
        assertThat(all.cluster()).containsExactly(0, 2, 1, 0);
        assertThat(all.score()).containsExactly(0.9f, 0.35f, 0.1f, 0.4f);
        assertThat(all.counts()).containsExactly(java.util.Map.entry("a", 2), java.util.Map.entry("b", 1), java.util.Map.entry("c", 1));
        WordClusters barred = WordClusters.assign(scores, 0.2);
        assertThat(barred.cluster()).containsExactly(0, 2, -1, 0);
        assertThat(barred.name(2)).isEqualTo("none");
        assertThat(barred.best()).containsExactly(0, 2, 1, 0);
        assertThat(barred.counts()).containsEntry("none", 1).containsEntry("b", 0);
        assertThatThrownBy(() -> WordClusters.assign(scores, 1.5)).isInstanceOf(UserError.class).hasMessageContaining("between 0 and 1");
    }

    @Test
    void regionPcaExplainsTheVarianceAnSvdOfTheCentredUnitRowsFinds() {
        Random r = new Random(6);
        FeatureMaps m = maps(scene(grid(0, 1), 0.3, r), scene(grid(2, 3), 0.3, r), scene(grid(1, 1), 0.3, r), scene(grid(3, 0), 0.3, r));
        RegionEmbeddings e = RegionEmbeddings.compute(head, m, ids(4), 4, 1, d -> { });
        Pca.Result pca = RegionPca.fit(e, 3, 1);
        double sum = 0;
        for (double v : pca.explainedVarianceRatio()) sum += v;
        assertThat(sum).isLessThanOrEqualTo(1 + 1e-9);
        assertThat(pca.coordinates()).hasNumberOfRows(4 * SIDE * SIDE);
        // Reference: singular values of the centred rows; ratio_c = s_c² / Σ s².
        float[][] rows = e.unitRows();
        int n = rows.length, d = rows[0].length;
        double[][] centred = new double[n][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (float[] row : rows) mean += row[j] / n;
            for (int i = 0; i < n; i++) centred[i][j] = rows[i][j] - mean;
        }
        double[] s = new SingularValueDecomposition(MatrixUtils.createRealMatrix(centred)).getSingularValues();
        double total = 0;
        for (double v : s) total += v * v;
        for (int c = 0; c < 3; c++) {
            assertThat(pca.explainedVarianceRatio()[c]).as("PC%d", c + 1).isCloseTo(s[c] * s[c] / total, within(1e-6));
            assertThat(pca.explainedVariance()[c]).isCloseTo(s[c] * s[c] / (n - 1), within(1e-6 * s[0] * s[0]));
        }
        // Every block of a row is unit length (the blocks were normalised, not the whole row).
        double len = 0;
        for (int j = 0; j < 12; j++) len += rows[5][12 + j] * rows[5][12 + j];
        assertThat(len).isCloseTo(1, within(1e-5));
    }
}
