package imvec.analysis;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LinearProbeTest {
    private static final List<String> THREE = List.of("a", "b", "c");

    /** Three Gaussian blobs in 8-D whose centres are 6 apart on separate axes, noise σ = 0.5. */
    private static float[][] blobs(int[] labels, long seed) {
        Random r = new Random(seed);
        float[][] x = new float[labels.length][8];
        for (int i = 0; i < labels.length; i++) {
            for (int j = 0; j < 8; j++) x[i][j] = (float) (0.5 * r.nextGaussian());
            x[i][labels[i]] += 6;
        }
        return x;
    }

    /**
     * Two classes split by the hyperplane w·x = 0 through a random direction in 6-D, points
     * nearer than 0.5 to it dropped: linearly separable, but not along any single feature.
     */
    private static Object[] halfSpace(int n, long seed) {
        Random r = new Random(seed);
        double[] w = new double[6];
        for (int j = 0; j < 6; j++) w[j] = r.nextGaussian();
        double norm = Math.sqrt(Arrays.stream(w).map(v -> v * v).sum());
        float[][] x = new float[n][];
        int[] y = new int[n];
        for (int i = 0; i < n; ) {
            float[] row = new float[6];
            double dot = 0;
            for (int j = 0; j < 6; j++) {
                row[j] = (float) (2 * r.nextGaussian());
                dot += row[j] * w[j] / norm;
            }
            if (Math.abs(dot) < 0.5) continue;
            x[i] = row;
            y[i++] = dot > 0 ? 1 : 0;
        }
        return new Object[] {x, y};
    }

    private static int[] cycleLabels(int n, int classes) {
        return IntStream.range(0, n).map(i -> i % classes).toArray();
    }

    @Test
    void bothHeadsLearnSeparableBlobsPerfectly() {
        int[] y = cycleLabels(300, 3);
        float[][] x = blobs(y, 1);
        LinearProbe.Split s = LinearProbe.split(y, 0.3, 5);
        for (boolean linear : new boolean[] {false, true}) {
            LinearProbe.Result r = LinearProbe.builder().optLinear(linear).optEpochs(15).build().fit(x, y, s, THREE);
            assertThat(r.testAccuracy()).as(r.head()).isEqualTo(1.0);
            assertThat(r.trainAccuracy()).as(r.head()).isEqualTo(1.0);
            assertThat(r.perClassAccuracy()).containsOnly(1.0);
            assertThat(r.testLoss()).as("loss falls well below chance level ln 3").isLessThan(0.5 * Math.log(3));
        }
    }

    @Test
    void logisticRegressionSeparatesAnObliqueHyperplane() {
        Object[] d = halfSpace(400, 11);
        float[][] x = (float[][]) d[0];
        int[] y = (int[]) d[1];
        LinearProbe.Result r = LinearProbe.builder().optLinear(true).optEpochs(60).optLearningRate(0.02f).build()
                .fit(x, y, LinearProbe.split(y, 0.25, 2), List.of("neg", "pos"));
        assertThat(r.testAccuracy()).isEqualTo(1.0);
        assertThat(r.trainAccuracy()).isEqualTo(1.0);
    }

    @Test
    void confusionMatrixAgreesWithTheAccuracies() {
        // Overlapping blobs, so the matrix has off-diagonal counts.
        int[] y = cycleLabels(240, 3);
        float[][] x = blobs(y, 3);
        for (float[] row : x) for (int j = 0; j < row.length; j++) row[j] *= 6;
        LinearProbe.Split s = LinearProbe.split(y, 0.5, 1);
        LinearProbe.Result r = LinearProbe.builder().optLinear(true).optEpochs(3).build().fit(x, y, s, THREE);
        long total = Arrays.stream(r.confusion()).flatMapToLong(Arrays::stream).sum();
        long diagonal = IntStream.range(0, 3).mapToLong(k -> r.confusion()[k][k]).sum();
        assertThat(total).isEqualTo(s.test().length);
        assertThat(r.testAccuracy()).isCloseTo((double) diagonal / total, within(1e-12));
        for (int k = 0; k < 3; k++) {
            int kk = k;
            long rowTotal = Arrays.stream(r.confusion()[k]).sum();
            assertThat(rowTotal).isEqualTo(Arrays.stream(s.test()).filter(i -> y[i] == kk).count());
            assertThat(r.perClassAccuracy()[k]).isCloseTo((double) r.confusion()[k][k] / rowTotal, within(1e-12));
        }
    }

    @Test
    void sameSeedSameModel() {
        int[] y = cycleLabels(120, 3);
        float[][] x = blobs(y, 9);
        for (float[] row : x) for (int j = 0; j < row.length; j++) row[j] *= 5;
        LinearProbe.Split s = LinearProbe.split(y, 0.25, 1);
        LinearProbe probe = LinearProbe.builder().optEpochs(2).optSeed(42).build();
        LinearProbe.Result a = probe.fit(x, y, s, THREE);
        LinearProbe.Result b = probe.fit(x, y, s, THREE);
        assertThat(a.testLoss()).isEqualTo(b.testLoss());
        assertThat(a.epochs().get(0).trainLoss()).isEqualTo(b.epochs().get(0).trainLoss());
    }

    @Test
    void splitIsStratifiedSeededAndAPartition() {
        // Unequal classes: 50, 30, 20 rows, shuffled so class order says nothing about row order.
        int[] y = new int[100];
        for (int i = 0; i < 100; i++) y[i] = i < 50 ? 0 : i < 80 ? 1 : 2;
        Random r = new Random(4);
        for (int i = 99; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = y[i];
            y[i] = y[j];
            y[j] = t;
        }
        LinearProbe.Split a = LinearProbe.split(y, 0.2, 7);
        LinearProbe.Split b = LinearProbe.split(y, 0.2, 7);
        LinearProbe.Split c = LinearProbe.split(y, 0.2, 8);
        assertThat(a.test()).containsExactly(b.test());
        assertThat(a.train()).containsExactly(b.train());
        assertThat(a.test()).isNotEqualTo(c.test());
        int[] expected = {10, 6, 4};
        for (int k = 0; k < 3; k++) {
            int kk = k;
            assertThat(Arrays.stream(a.test()).filter(i -> y[i] == kk).count()).as("class " + k).isEqualTo(expected[k]);
        }
        int[] all = IntStream.concat(Arrays.stream(a.train()), Arrays.stream(a.test())).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, 100).toArray());
        assertThat(a.test()).isSorted();
    }

    @Test
    void badInputsAreUserErrors() {
        assertThatThrownBy(() -> LinearProbe.split(new int[] {0, 1}, 1.0, 1)).isInstanceOf(UserError.class);
        assertThatThrownBy(() -> LinearProbe.split(new int[] {0, 1, 2}, 0.5, 1))
                .isInstanceOf(UserError.class).hasMessageContaining("no test rows");
        float[][] x = {{1}, {2}, {3}};
        assertThatThrownBy(() -> LinearProbe.builder().build().fit(x, new int[] {0, 1, 5}, x, new int[] {0, 1, 1}, List.of("a", "b")))
                .isInstanceOf(UserError.class).hasMessageContaining("label 5");
    }
}
