package imvec.analysis;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PcaTest {
    static Stream<Fixtures.Case> cases() {
        return Fixtures.cases();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matchesScikitLearn(Fixtures.Case c) {
        for (Pca.Solver solver : Pca.Solver.values()) {
            Pca.Result r = Pca.builder().optComponents(c.components()).optNormalizeRows(c.normalizeRows())
                    .optSolver(solver).build().fit(c.x());
            assertMatches(c, r, solver.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void matrixFreePathMatchesScikitLearn(Fixtures.Case c) {
        Pca.Result r = Pca.builder().optComponents(c.components()).optNormalizeRows(c.normalizeRows())
                .optDenseLimit(1).build().fit(c.x());
        assertThat(r.method()).startsWith("data operator");
        assertMatches(c, r, "data operator");
    }

    private static void assertMatches(Fixtures.Case c, Pca.Result r, String how) {
        float[][] coords = c.matrix("pca_coords");
        float[][] comps = c.matrix("pca_components");
        float[] evr = c.vector("pca_evr");
        float[] ev = c.vector("pca_ev");
        int k = c.components();
        assertThat(r.dims()).isEqualTo(k);
        for (int j = 0; j < k; j++) {
            double scale = 0;
            for (float[] row : coords) scale = Math.max(scale, Math.abs(row[j]));
            for (int i = 0; i < coords.length; i++) {
                assertThat(r.coordinates()[i][j]).as("%s %s coordinate [%d][%d]", c, how, i, j)
                        .isCloseTo(coords[i][j], within(1e-5 * scale));
            }
            for (int d = 0; d < comps[j].length; d++) {
                assertThat(r.components()[j][d]).as("%s %s component %d", c, how, j).isCloseTo(comps[j][d], within(1e-5));
            }
            assertThat(r.explainedVarianceRatio()[j]).isCloseTo(evr[j], within(1e-5 * evr[j] + 1e-7));
            assertThat(r.explainedVariance()[j]).isCloseTo(ev[j], within(1e-5 * ev[j] + 1e-7));
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void ratiosAreNonIncreasingAndSumToAtMostOne(Fixtures.Case c) {
        int most = Math.min(c.x().length, c.x()[0].length);
        Pca.Result r = Pca.fit(c.x(), most);
        double sum = 0;
        for (int j = 0; j < most; j++) {
            sum += r.explainedVarianceRatio()[j];
            if (j > 0) assertThat(r.explainedVarianceRatio()[j]).isLessThanOrEqualTo(r.explainedVarianceRatio()[j - 1]);
        }
        assertThat(sum).isLessThanOrEqualTo(1 + 1e-12).isCloseTo(1, within(1e-9));
    }

    @Test
    void allComponentsPreservePairwiseDistances() {
        Random random = new Random(11);
        for (int[] shape : new int[][]{{80, 12}, {15, 40}}) {
            float[][] x = SilhouetteTest.gaussian(random, shape[0], shape[1], 3);
            Pca.Result r = Pca.fit(x, Math.min(shape[0], shape[1]));
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < i; j++) {
                    double want = 0, got = 0;
                    for (int c = 0; c < x[0].length; c++) want += Math.pow((double) x[i][c] - x[j][c], 2);
                    for (int c = 0; c < r.dims(); c++) got += Math.pow(r.coordinates()[i][c] - r.coordinates()[j][c], 2);
                    assertThat(Math.sqrt(got)).isCloseTo(Math.sqrt(want), within(1e-9 * Math.sqrt(want) + 1e-12));
                }
            }
        }
    }

    @Test
    void componentsAreOrthonormalAndTransformReproducesCoordinates() {
        float[][] x = SilhouetteTest.gaussian(new Random(12), 30, 200, 1);
        for (float[] row : x) row[3] += 5 * row[0];
        Pca.Result r = Pca.builder().optComponents(30).build().fit(x);
        for (int a = 0; a < 30; a++) {
            for (int b = 0; b <= a; b++) {
                assertThat(Kernels.dot(r.components()[a], r.components()[b])).isCloseTo(a == b ? 1 : 0, within(1e-9));
            }
        }
        double[][] again = r.transform(x);
        for (int i = 0; i < 30; i++) {
            for (int c = 0; c < 29; c++) assertThat(again[i][c]).isCloseTo(r.coordinates()[i][c], within(1e-9));
        }
    }

    /** D ≫ N (Gram path) and the matrix-free path agree on data too wide for the covariance path. */
    @Test
    void gramAndMatrixFreePathsAgreeOnWideData() {
        Random random = new Random(13);
        float[][] x = SilhouetteTest.gaussian(random, 60, 6000, 1);
        for (int i = 0; i < 60; i++) {
            for (int c = 0; c < 6000; c++) x[i][c] += (float) ((i % 3) * Math.sin(c) * 2 + (i % 4) * Math.cos(c * 0.5));
        }
        Pca.Result gram = Pca.builder().optComponents(3).build().fit(x);
        Pca.Result free = Pca.builder().optComponents(3).optDenseLimit(10).build().fit(x);
        assertThat(gram.method()).startsWith("Gram");
        for (int i = 0; i < 60; i++) {
            for (int c = 0; c < 3; c++) assertThat(free.coordinates()[i][c]).isCloseTo(gram.coordinates()[i][c], within(1e-6));
        }
        assertThat(free.explainedVarianceRatio()).containsExactly(gram.explainedVarianceRatio(), within(1e-10));
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> Pca.fit(new float[][]{{1, 2, 3}}, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("at least 2 rows");
        assertThatThrownBy(() -> Pca.fit(new float[][]{{1, 2}, {3, 4}, {5, 7}}, 3))
                .isInstanceOf(UserError.class).hasMessageContaining("at most 2");
        assertThatThrownBy(() -> Pca.fit(new float[][]{{1, 2}, {3, Float.NaN}}, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("NaN at row 1, column 1");
        assertThatThrownBy(() -> Pca.fit(new float[0][], 1))
                .isInstanceOf(UserError.class).hasMessageContaining("is empty");
        assertThatThrownBy(() -> Pca.fit(new float[][]{{1, 2}, {1, 2}, {1, 2}}, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("no variance");
        assertThatThrownBy(() -> Pca.builder().optComponents(0))
                .isInstanceOf(UserError.class);
    }

    @Test
    void timingReportsShape() {
        float[][] x = SilhouetteTest.gaussian(new Random(3), 200, 10, 1);
        Timing t = Pca.time(x, 2, 1);
        assertThat(t.rows()).isEqualTo(200);
        assertThat(t.seconds()).isPositive();
        assertThat(t.value()).isBetween(0.0, 1.0);
    }
}
