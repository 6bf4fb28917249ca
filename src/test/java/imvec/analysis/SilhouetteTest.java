package imvec.analysis;

import imvec.analysis.Silhouette.Metric;
import imvec.util.UserError;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SilhouetteTest {
    static Stream<Fixtures.Case> cases() {
        return Fixtures.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesScikitLearnBothMetrics(Fixtures.Case c) {
        for (Metric metric : Metric.values()) {
            Silhouette.Result r = Silhouette.builder().optMetric(metric).build().compute(c.x(), c.labels());
            assertMatches(c, metric, r);
        }
    }

    /** Many small tiles, the row-by-row fallback, and one thread must all give sklearn's numbers too. */
    @ParameterizedTest
    @MethodSource("cases")
    void matchesScikitLearnWithSmallTilesAndWithoutSymmetry(Fixtures.Case c) {
        for (Metric metric : Metric.values()) {
            assertMatches(c, metric, Silhouette.builder().optMetric(metric).optBlock(17).build()
                    .compute(c.x(), c.labels()));
            assertMatches(c, metric, Silhouette.builder().optMetric(metric).optBlock(23).optSymmetricBudget(0)
                    .optThreads(1).build().compute(c.x(), c.labels()));
        }
    }

    /** Single-precision dot products (the euclidean default on large inputs) must still give sklearn's numbers to 1e-6. */
    @ParameterizedTest
    @MethodSource("cases")
    void matchesScikitLearnWithFloatProducts(Fixtures.Case c) {
        for (Metric metric : Metric.values()) {
            assertMatches(c, metric, Silhouette.builder().optMetric(metric).optFloatProducts(true).build()
                    .compute(c.x(), c.labels()));
            assertMatches(c, metric, Silhouette.builder().optMetric(metric).optFloatProducts(true).optBlock(19)
                    .optSymmetricBudget(0).build().compute(c.x(), c.labels()));
        }
    }

    private static void assertMatches(Fixtures.Case c, Metric metric, Silhouette.Result r) {
        float[] want = c.vector("sil_" + metric + "_samples");
        assertThat(r.samples()).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(r.samples()[i]).as("%s %s row %d", c, metric, i).isCloseTo(want[i], within(1e-6));
        }
        assertThat(r.score()).as("%s %s score", c, metric).isCloseTo(c.score(metric.toString()), within(1e-6));
        int[] labels = c.labels();
        for (int k = 0; k < r.classes().length; k++) {
            double sum = 0;
            int count = 0;
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] == r.classes()[k]) {
                    sum += want[i];
                    count++;
                }
            }
            assertThat(r.classSizes()[k]).isEqualTo(count);
            assertThat(r.classScores()[k]).isCloseTo(sum / count, within(1e-6));
        }
    }

    @Test
    void resultDoesNotDependOnThreadCount() {
        Fixtures.Case c = Fixtures.cases().filter(k -> k.name().equals("tiles")).findFirst().orElseThrow();
        double[] one = Silhouette.builder().optThreads(1).optBlock(50).build().compute(c.x(), c.labels()).samples();
        double[] two = Silhouette.builder().optThreads(2).optBlock(50).build().compute(c.x(), c.labels()).samples();
        double[] three = Silhouette.builder().optThreads(3).optBlock(50).build().compute(c.x(), c.labels()).samples();
        assertThat(two).containsExactly(one);
        assertThat(three).containsExactly(one);
    }

    @Test
    void progressRisesToOneInBothModes() {
        Fixtures.Case c = Fixtures.cases().filter(k -> k.name().equals("tiles")).findFirst().orElseThrow();
        for (long budget : new long[]{Long.MAX_VALUE, 0}) {
            List<Double> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Silhouette.builder().optBlock(100).optSymmetricBudget(budget).optProgress(seen::add).build()
                    .compute(c.x(), c.labels());
            assertThat(seen).hasSize(7).isSortedAccordingTo(Double::compare);
            assertThat(seen.get(0)).isPositive();
            assertThat(seen.get(6)).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void aRowAloneInItsClassScoresZero() {
        Fixtures.Case c = Fixtures.cases().filter(k -> k.name().equals("singleton")).findFirst().orElseThrow();
        Silhouette.Result r = Silhouette.builder().build().compute(c.x(), c.labels());
        assertThat(r.samples()[60]).isEqualTo(0.0);
        assertThat(r.classScore(3)).isEqualTo(0.0);
    }

    @Test
    void permutingRowsDoesNotChangeTheScore() {
        Random random = new Random(7);
        float[][] x = gaussian(random, 500, 12, 1);
        int[] labels = new int[500];
        for (int i = 0; i < 500; i++) {
            labels[i] = i % 5;
            x[i][0] += 2 * labels[i];
        }
        int[] perm = shuffled(random, 500);
        float[][] px = new float[500][];
        int[] pl = new int[500];
        for (int i = 0; i < 500; i++) {
            px[i] = x[perm[i]];
            pl[i] = labels[perm[i]];
        }
        for (Metric m : Metric.values()) {
            Silhouette s = Silhouette.builder().optMetric(m).optBlock(64).build();
            Silhouette.Result a = s.compute(x, labels), b = s.compute(px, pl);
            assertThat(b.score()).isCloseTo(a.score(), within(1e-12));
            for (int i = 0; i < 500; i++) assertThat(b.samples()[i]).isCloseTo(a.samples()[perm[i]], within(1e-12));
        }
    }

    @Test
    void aBlobAndItsFarCopyScoreNearOne() {
        Random random = new Random(8);
        float[][] blob = gaussian(random, 150, 20, 1);
        float[][] x = new float[300][];
        int[] labels = new int[300];
        for (int i = 0; i < 150; i++) {
            x[i] = blob[i];
            x[150 + i] = blob[i].clone();
            for (int c = 0; c < 20; c++) x[150 + i][c] += 1000;
            labels[150 + i] = 1;
        }
        assertThat(Silhouette.score(x, labels)).isGreaterThan(0.99);
    }

    @Test
    void labelsIndependentOfTheRowsScoreNearZero() {
        Random random = new Random(9);
        float[][] x = gaussian(random, 2000, 8, 1);
        int[] labels = new int[2000];
        for (int i = 0; i < 2000; i++) labels[i] = random.nextInt(3);
        assertThat(Silhouette.score(x, labels, Metric.EUCLIDEAN)).isCloseTo(0, within(0.02));
        for (float[] row : x) row[0] += 10; // keep cosine away from the all-directions degenerate case
        assertThat(Silhouette.score(x, labels, Metric.COSINE)).isCloseTo(0, within(0.02));
    }

    @Test
    void rejectsBadInputWithOneSentence() {
        float[][] x = {{0, 0}, {1, 1}, {2, 2}};
        Silhouette s = Silhouette.builder().optClassNames(List.of("cat", "dog")).optInputName("layers/fc.npy").build();
        assertThatThrownBy(() -> s.compute(x, new int[]{1, 1, 1}))
                .isInstanceOf(UserError.class).hasMessage("silhouette needs at least 2 classes; got 1: dog.");
        assertThatThrownBy(() -> s.compute(x, new int[]{0, 1, 2}))
                .isInstanceOf(UserError.class).hasMessageContaining("at most N−1 classes").hasMessageContaining("3 rows in 3 classes");
        assertThatThrownBy(() -> s.compute(x, new int[]{0, 1}))
                .isInstanceOf(UserError.class).hasMessageContaining("layers/fc.npy has 3 rows but 2 labels");
        assertThatThrownBy(() -> s.compute(new float[0][], new int[0]))
                .isInstanceOf(UserError.class).hasMessageContaining("layers/fc.npy is empty");
        assertThatThrownBy(() -> s.compute(new float[][]{{0, 0}, {1, Float.NaN}, {2, 2}}, new int[]{0, 1, 1}))
                .isInstanceOf(UserError.class).hasMessageContaining("NaN at row 1, column 1");
        assertThatThrownBy(() -> s.compute(new float[][]{{0, 0}, {1, 1}, {Float.POSITIVE_INFINITY, 2}}, new int[]{0, 1, 1}))
                .isInstanceOf(UserError.class).hasMessageContaining("Infinity at row 2, column 0");
        assertThatThrownBy(() -> s.compute(new float[][]{{0, 0}, {1}, {2, 2}}, new int[]{0, 1, 1}))
                .isInstanceOf(UserError.class).hasMessageContaining("row 1 has 1 values");
        assertThatThrownBy(() -> Metric.of("manhattan")).isInstanceOf(UserError.class);
        assertThat(Metric.of(" Cosine")).isEqualTo(Metric.COSINE);
    }

    @Test
    void timingReportsShapeAndScore() {
        float[][] x = gaussian(new Random(3), 300, 5, 1);
        int[] labels = new int[300];
        for (int i = 0; i < 300; i++) labels[i] = i % 2;
        Timing t = Silhouette.time(x, labels, Metric.EUCLIDEAN, 1);
        assertThat(t.rows()).isEqualTo(300);
        assertThat(t.cols()).isEqualTo(5);
        assertThat(t.threads()).isEqualTo(1);
        assertThat(t.seconds()).isPositive();
        assertThat(t.value()).isEqualTo(Silhouette.score(x, labels));
    }

    static float[][] gaussian(Random random, int n, int d, double scale) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int c = 0; c < d; c++) row[c] = (float) (random.nextGaussian() * scale);
        }
        return x;
    }

    static int[] shuffled(Random random, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
