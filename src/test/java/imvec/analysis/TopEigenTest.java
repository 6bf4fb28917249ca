package imvec.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TopEigenTest {
    /** Q diag(values) Qᵀ for a random orthonormal Q. */
    private static double[][] withSpectrum(double[] values, long seed) {
        int n = values.length;
        Random random = new Random(seed);
        double[][] q = new double[n][n];
        for (double[] row : q) for (int i = 0; i < n; i++) row[i] = random.nextGaussian();
        TopEigen.orthonormalize(q, new SplittableRandom(seed));
        double[][] s = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) s[i][j] += values[k] * q[k][i] * q[k][j];
            }
        }
        return s;
    }

    @Test
    void iterationFindsAKnownSpectrumAndAgreesWithTheFullDecomposition() {
        int n = 200;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = 100 * Math.pow(0.9, i);
        double[][] s = withSpectrum(values, 1);
        TopEigen.Pairs it = TopEigen.iterate(TopEigen.dense(s), 5, 42, 1000);
        TopEigen.Pairs ex = TopEigen.exact(s, 5);
        assertThat(it).isNotNull();
        for (int k = 0; k < 5; k++) {
            assertThat(it.values()[k]).isCloseTo(values[k], within(1e-9));
            assertThat(ex.values()[k]).isCloseTo(values[k], within(1e-9));
            assertThat(Math.abs(Kernels.dot(it.vectors()[k], ex.vectors()[k]))).isCloseTo(1, within(1e-10));
        }
    }

    @Test
    void flatSpectrumFallsBackToTheFullDecomposition() {
        int n = 300;
        double[] values = new double[n];
        for (int i = 0; i < n; i++) values[i] = 1 + 1e-4 * Math.sin(i); // nearly equal: iteration crawls
        values[0] = 5;
        TopEigen.Pairs p = TopEigen.of(withSpectrum(values, 2), 3, 42);
        assertThat(p.method()).isEqualTo("full symmetric eigendecomposition");
        assertThat(p.values()[0]).isCloseTo(5, within(1e-9));
    }

    @Test
    void rankDeficientOperatorStillGivesAnOrthonormalBasis() {
        double[] values = new double[100];
        values[0] = 3;
        values[1] = 2; // rank 2, block of 10: the rest of the block must be refilled at random
        TopEigen.Pairs p = TopEigen.iterate(TopEigen.dense(withSpectrum(values, 3)), 2, 42, 100);
        assertThat(p).isNotNull();
        assertThat(p.values()).containsExactly(new double[]{3, 2}, within(1e-10));
        assertThat(Kernels.dot(p.vectors()[0], p.vectors()[1])).isCloseTo(0, within(1e-12));
    }
}
