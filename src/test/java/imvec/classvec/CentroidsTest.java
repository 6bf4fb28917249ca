package imvec.classvec;

import imvec.store.LabelledMatrix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CentroidsTest {
    @Test
    void centroidIsTheMeanOfEachClassAndEmptyClassesAreNamed() {
        Random r = new Random(1);
        int n = 90, d = 6;
        float[][] x = new float[n][d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3) == 0 ? 0 : 2; // class 1 never occurs
            for (int k = 0; k < d; k++) x[i][k] = (float) (r.nextGaussian() + y[i]);
        }
        LabelledMatrix m = new LabelledMatrix(x, y, List.of("zero", "one", "two"), "synthetic");
        for (boolean normalise : new boolean[]{false, true}) {
            Centroids.Result c = Centroids.of(m, normalise);
            assertThat(c.vectors().names()).containsExactly("zero", "two");
            assertThat(c.missing()).containsExactly("one");
            int[] classes = {0, 2};
            for (int ci = 0; ci < 2; ci++) {
                double[] mean = new double[d];
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (y[i] != classes[ci]) continue;
                    double norm = 0;
                    for (float v : x[i]) norm += v * v;
                    norm = normalise ? Math.sqrt(norm) : 1;
                    for (int k = 0; k < d; k++) mean[k] += x[i][k] / norm;
                    count++;
                }
                assertThat(c.counts()[ci]).isEqualTo(count);
                for (int k = 0; k < d; k++) assertThat((double) c.vectors().vectors()[ci][k]).isCloseTo(mean[k] / count, within(1e-6));
            }
        }
    }
}
