package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CosineRsaTest {
    @Test
    void spearmanWithoutTiesMatchesTheSquaredRankDifferenceFormula() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 5 + r.nextInt(40);
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
                y[i] = x[i] * r.nextDouble() + r.nextGaussian();
            }
            // rho = 1 − 6 Σ d² / (n (n² − 1)) when there are no ties; ranks by counting.
            double s = 0;
            for (int i = 0; i < n; i++) {
                int rx = 1, ry = 1;
                for (int j = 0; j < n; j++) {
                    if (x[j] < x[i]) rx++;
                    if (y[j] < y[i]) ry++;
                }
                s += (rx - ry) * (double) (rx - ry);
            }
            assertThat(CosineRsa.spearman(x, y)).isCloseTo(1 - 6 * s / (n * ((double) n * n - 1)), within(1e-12));
        }
    }

    @Test
    void tiesGetAverageRanks() {
        assertThat(CosineRsa.ranks(new double[]{3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
        // scipy.stats.spearmanr([1,2,2,3],[1,3,2,4]) = 0.9486832980505138
        assertThat(CosineRsa.spearman(new double[]{1, 2, 2, 3}, new double[]{1, 3, 2, 4})).isCloseTo(0.9486832980505138, within(1e-12));
    }

    @Test
    void comparesOverSharedNamesWhateverTheirOrderAndSpelling() {
        ClassVectors a = CosineTableTest.random(8, 4, 1);
        // b: the same vectors rotated and scaled (cosines unchanged), shuffled, renamed in upper case, plus extras.
        List<Integer> order = new ArrayList<>(List.of(3, 0, 7, 5, 1, 6, 2, 4));
        List<String> names = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        for (int i : order) {
            float[] v = a.vectors()[i];
            names.add(a.names().get(i).toUpperCase());
            vectors.add(new float[]{-v[1] * 3, v[0] * 3, v[3] * 3, v[2] * 3});
        }
        names.add("extra");
        vectors.add(new float[]{1, 2, 3, 4});
        ClassVectors b = new ClassVectors(names, vectors.toArray(new float[0][]), "b");
        CosineRsa.Result r = CosineRsa.compare(a, b);
        assertThat(r.shared()).hasSize(8);
        assertThat(r.pairs()).isEqualTo(28);
        assertThat(r.spearman()).isCloseTo(1.0, within(1e-9));
        assertThat(r.onlyB()).containsExactly("extra");
        assertThat(r.onlyA()).isEmpty();
    }

    @Test
    void tooFewSharedNamesIsAClearError() {
        ClassVectors a = new ClassVectors(List.of("cat", "dog"), new float[][]{{1, 0}, {0, 1}}, "a.txt");
        ClassVectors b = new ClassVectors(List.of("Cat", "dog", "car"), new float[][]{{1, 0}, {0, 1}, {1, 1}}, "b.txt");
        assertThatThrownBy(() -> CosineRsa.compare(a, b)).isInstanceOf(UserError.class).hasMessageContaining("share 2 names");
    }
}
