package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class WeightInverseTest {
    static double[][] random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        double[][] m = new double[rows][cols];
        for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = r.nextGaussian();
        return m;
    }

    static double[] times(double[][] m, double[] v) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < v.length; j++) out[i] += m[i][j] * v[j];
        return out;
    }

    static double[] transposeTimes(double[][] m, double[] u) {
        double[] out = new double[m[0].length];
        for (int i = 0; i < m.length; i++) for (int j = 0; j < out.length; j++) out[j] += m[i][j] * u[i];
        return out;
    }

    @Test
    void squareInverseMapsEachClassVectorToItsOneHot() {
        double[][] w2 = random(10, 10, 1);
        WeightInverse.Result r = WeightInverse.of(w2, WeightInverse.Mode.AUTO);
        assertThat(r.method()).isEqualTo(WeightInverse.EXACT_METHOD);
        for (int c = 0; c < 10; c++) {
            double[] e = times(w2, r.classVector(c));
            for (int i = 0; i < 10; i++) assertThat(e[i]).isCloseTo(i == c ? 1 : 0, within(1e-9));
        }
    }

    @Test
    void wideW2PseudoInverseIsAnExactSolutionOfLeastNorm() {
        // H = 16 hidden units > n = 5 classes: W2 v = e_c has many solutions; pinv gives the one in W2's row space.
        double[][] w2 = random(5, 16, 2);
        WeightInverse.Result r = WeightInverse.of(w2, WeightInverse.Mode.AUTO);
        assertThat(r.method()).isEqualTo(WeightInverse.PSEUDO_METHOD);
        for (int c = 0; c < 5; c++) {
            double[] v = r.classVector(c);
            assertThat(v).hasSize(16);
            double[] e = times(w2, v);
            for (int i = 0; i < 5; i++) assertThat(e[i]).isCloseTo(i == c ? 1 : 0, within(1e-9));
            // Least norm ⇔ v = W2ᵀ a for some a: solve the 5×5 system W2 W2ᵀ a = W2 v and compare.
            double[][] gram = new double[5][5];
            for (int i = 0; i < 5; i++) for (int j = 0; j < 5; j++) for (int k = 0; k < 16; k++) gram[i][j] += w2[i][k] * w2[j][k];
            double[] a = new org.hipparchus.linear.LUDecomposition(org.hipparchus.linear.MatrixUtils.createRealMatrix(gram))
                    .getSolver().solve(org.hipparchus.linear.MatrixUtils.createRealVector(times(w2, v))).toArray();
            double[] projected = transposeTimes(w2, a);
            for (int k = 0; k < 16; k++) assertThat(v[k]).isCloseTo(projected[k], within(1e-9));
        }
    }

    @Test
    void tallW2PseudoInverseSatisfiesTheNormalEquations() {
        // H = 3 < n = 8: no exact solution; the least-squares one has W2ᵀ (W2 v − e_c) = 0.
        double[][] w2 = random(8, 3, 3);
        WeightInverse.Result r = WeightInverse.of(w2, WeightInverse.Mode.PSEUDO);
        for (int c = 0; c < 8; c++) {
            double[] v = r.classVector(c);
            double[] residual = times(w2, v);
            residual[c] -= 1;
            for (double g : transposeTimes(w2, residual)) assertThat(g).isCloseTo(0, within(1e-9));
            // No other v does better: perturbations only increase the squared residual.
            double base = 0;
            for (double x : residual) base += x * x;
            Random rnd = new Random(c);
            for (int trial = 0; trial < 20; trial++) {
                double[] u = v.clone();
                for (int k = 0; k < u.length; k++) u[k] += 0.01 * rnd.nextGaussian();
                double[] res = times(w2, u);
                res[c] -= 1;
                double s = 0;
                for (double x : res) s += x * x;
                assertThat(s).isGreaterThanOrEqualTo(base - 1e-12);
            }
        }
    }

    @Test
    void rcondDropsTheNearSingularDirectionLeavingAProjector() {
        // W2 = A with its last singular value shrunk to 1e-6 of the largest.
        double[][] a = random(6, 6, 8);
        var svd = new org.hipparchus.linear.SingularValueDecomposition(org.hipparchus.linear.MatrixUtils.createRealMatrix(a));
        double[] s = svd.getSingularValues().clone();
        s[5] = s[0] * 1e-6;
        double[][] w2 = svd.getU().multiply(org.hipparchus.linear.MatrixUtils.createRealDiagonalMatrix(s)).multiply(svd.getVT()).getData();
        assertThat(WeightInverse.of(w2, WeightInverse.Mode.AUTO).classVector(0)).satisfies(v -> {
            double norm = 0;
            for (double x : v) norm += x * x;
            assertThat(Math.sqrt(norm)).isGreaterThan(1e4); // the plain inverse blows up along the tiny direction
        });
        WeightInverse.Result r = WeightInverse.of(w2, WeightInverse.Mode.AUTO, 1e-3);
        assertThat(r.method()).contains("1 of 6 singular values dropped");
        // P = W2 · W2⁺ must be a symmetric idempotent matrix of rank 5 (trace 5).
        double[][] p = new double[6][6];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 6; j++) for (int k = 0; k < 6; k++) p[i][j] += w2[i][k] * r.inverse()[k][j];
        double trace = 0;
        for (int i = 0; i < 6; i++) {
            trace += p[i][i];
            for (int j = 0; j < 6; j++) {
                assertThat(p[i][j]).isCloseTo(p[j][i], within(1e-9));
                double pp = 0;
                for (int k = 0; k < 6; k++) pp += p[i][k] * p[k][j];
                assertThat(pp).isCloseTo(p[i][j], within(1e-9));
            }
        }
        assertThat(trace).isCloseTo(5, within(1e-9));
        assertThatThrownBy(() -> WeightInverse.of(w2, WeightInverse.Mode.EXACT, 1e-3)).isInstanceOf(UserError.class)
                .hasMessageContaining("--rcond");
    }

    @Test
    void exactInverseOfNonSquareOrSingularW2IsAClearError() {
        assertThatThrownBy(() -> WeightInverse.of(random(5, 7, 4), WeightInverse.Mode.EXACT))
                .isInstanceOf(UserError.class).hasMessageContaining("not square").hasMessageContaining("pinv");
        double[][] singular = random(4, 4, 5);
        singular[3] = singular[2].clone();
        assertThatThrownBy(() -> WeightInverse.of(singular, WeightInverse.Mode.EXACT))
                .isInstanceOf(UserError.class).hasMessageContaining("singular");
        assertThat(WeightInverse.of(singular, WeightInverse.Mode.AUTO).method()).isEqualTo(WeightInverse.PSEUDO_METHOD);
        assertThatThrownBy(() -> WeightInverse.Mode.parse("lu")).isInstanceOf(UserError.class);
    }
}
