package imvec.classvec;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CosineTableTest {
    static ClassVectors random(int n, int d, long seed) {
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        float[][] v = new float[n][d];
        for (int i = 0; i < n; i++) {
            names.add("c" + i);
            for (int k = 0; k < d; k++) v[i][k] = (float) r.nextGaussian();
        }
        return new ClassVectors(names, v, "random");
    }

    @Test
    void matrixIsSymmetricWithUnitDiagonalAndMatchesTheDefinition() {
        ClassVectors v = random(12, 5, 7);
        CosineTable t = CosineTable.of(v);
        double[][] m = t.matrix();
        for (int i = 0; i < 12; i++) {
            assertThat(m[i][i]).isEqualTo(1.0);
            for (int j = 0; j < 12; j++) {
                assertThat(m[i][j]).isEqualTo(m[j][i]);
                double dot = 0, ni = 0, nj = 0;
                for (int k = 0; k < 5; k++) {
                    dot += v.vectors()[i][k] * (double) v.vectors()[j][k];
                    ni += v.vectors()[i][k] * (double) v.vectors()[i][k];
                    nj += v.vectors()[j][k] * (double) v.vectors()[j][k];
                }
                assertThat(m[i][j]).isCloseTo(dot / Math.sqrt(ni * nj), within(1e-12));
            }
        }
    }

    @Test
    void everyRowRanksAllOtherNamesInDescendingOrder() {
        ClassVectors v = random(9, 3, 11);
        CosineTable t = CosineTable.of(v);
        for (int i = 0; i < 9; i++) {
            List<CosineTable.Neighbour> r = t.ranked(i);
            assertThat(r).hasSize(8);
            assertThat(r).extracting(CosineTable.Neighbour::index).doesNotContain(i).doesNotHaveDuplicates();
            for (int j = 1; j < r.size(); j++) assertThat(r.get(j - 1).cosine()).isGreaterThanOrEqualTo(r.get(j).cosine());
            for (CosineTable.Neighbour nb : r) assertThat(nb.cosine()).isEqualTo(t.cosine(i, nb.index()));
        }
    }

    @Test
    void markdownAndCsvListTheRankedNeighbours() {
        ClassVectors v = new ClassVectors(List.of("a", "b", "c"),
                new float[][]{{1, 0}, {0.9f, 0.1f}, {-1, 0.2f}}, "t");
        CosineTable t = CosineTable.of(v);
        assertThat(t.markdown(0)).contains("| a | b (0.99) | c (-0.98) |");
        assertThat(t.csv(0).lines().skip(1)).hasSize(6).first().asString().startsWith("a,1,b,0.99");
    }

    @Test
    void zeroVectorIsAClearError() {
        ClassVectors v = new ClassVectors(List.of("a", "b"), new float[][]{{1, 0}, {0, 0}}, "t");
        assertThatThrownBy(() -> CosineTable.of(v)).isInstanceOf(UserError.class).hasMessageContaining("'b' is all zeros");
    }
}
