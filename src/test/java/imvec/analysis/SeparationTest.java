package imvec.analysis;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** The class-separation row: probe, silhouettes on full, PCA and t-SNE features. */
class SeparationTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** Three Gaussian blobs in a 3-D subspace of 12-D (a random rotation), {@code spread} apart. */
    private static float[][] blobsIn3d(int n, double spread, int[] y, long seed) {
        Random r = new Random(seed);
        double[][] basis = orthonormal(3, 12, r);
        float[][] x = new float[n][12];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            double[] p = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            p[y[i]] += spread;
            for (int j = 0; j < 12; j++) {
                double v = 0;
                for (int c = 0; c < 3; c++) v += p[c] * basis[c][j];
                x[i][j] = (float) v;
            }
        }
        return x;
    }

    private static double[][] orthonormal(int k, int d, Random r) {
        double[][] q = new double[k][d];
        for (int a = 0; a < k; a++) {
            for (int j = 0; j < d; j++) q[a][j] = r.nextGaussian();
            for (int b = 0; b < a; b++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += q[a][j] * q[b][j];
                for (int j = 0; j < d; j++) q[a][j] -= dot * q[b][j];
            }
            double norm = 0;
            for (int j = 0; j < d; j++) norm += q[a][j] * q[a][j];
            for (int j = 0; j < d; j++) q[a][j] /= Math.sqrt(norm);
        }
        return q;
    }

    private static Separation fast(long seed) {
        return Separation.builder().optProbe(LinearProbe.builder().optEpochs(15)).optTsneIterations(300).optSeed(seed).build();
    }

    @Test
    void featuresInAThreeDimensionalSubspaceKeepTheirSilhouetteUnderPca3() {
        int[] y = new int[90];
        float[][] x = blobsIn3d(90, 4, y, 7);
        Separation.Result r = fast(1).measure(x, y, CLASSES, 0.3);
        double expected = ReferenceSilhouette.of(x, y);
        assertThat(r.silhouette()).isCloseTo(expected, offset(1e-5));
        // PCA to 3 components is a rotation of data that spans 3 dimensions: distances, hence the silhouette, stay.
        assertThat(r.silhouettePca()).isCloseTo(expected, offset(1e-4));
        assertThat(r.pcaExplained()).isCloseTo(1.0, offset(1e-5));
        assertThat(r.reducedDims()).isEqualTo(3);
        assertThat(r.pcaCoordinates()).hasNumberOfRows(90);
        assertThat(r.tsneCoordinates()[0]).hasSize(3);
    }

    @Test
    void wellSeparatedClassesScoreHighOnEveryMeasure() {
        int[] y = new int[120];
        float[][] x = blobsIn3d(120, 12, y, 3);
        Separation.Result r = fast(2).measure(x, y, CLASSES, 0.25);
        assertThat(r.probeAccuracy()).isEqualTo(1.0);
        assertThat(r.probeTestRows()).isEqualTo(30);
        assertThat(r.probeTrainRows()).isEqualTo(90);
        assertThat(r.silhouette()).isGreaterThan(0.7);
        assertThat(r.silhouetteTsne()).isGreaterThan(0.5);
        assertThat(r.tsnePerplexity()).isEqualTo(30.0);
    }

    @Test
    void classesOfPureNoiseDoNotSeparate() {
        Random random = new Random(5);
        float[][] x = new float[90][8];
        int[] y = new int[90];
        for (int i = 0; i < 90; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 8; j++) x[i][j] = (float) random.nextGaussian();
        }
        Separation.Result r = fast(3).measure(x, y, CLASSES, 0.3);
        assertThat(r.silhouette()).isLessThan(0.05);
        assertThat(r.silhouettePca()).isLessThan(0.1);
        assertThat(r.probeAccuracy()).isLessThan(0.7);
    }

    @Test
    void trainRowsTrainTheProbeAndOnlyTheScoredRowsEnterTheGeometry() {
        int[] yTrain = new int[60];
        float[][] train = blobsIn3d(60, 8, yTrain, 11);
        int[] y = new int[13];
        float[][] x = blobsIn3d(13, 8, y, 12);
        Separation.Result r = fast(4).measure(train, yTrain, x, y, CLASSES);
        assertThat(r.probeTrainRows()).isEqualTo(60);
        assertThat(r.probeTestRows()).isEqualTo(13);
        assertThat(r.rows()).isEqualTo(13);
        assertThat(r.silhouette()).isCloseTo(ReferenceSilhouette.of(x, y), offset(1e-5));
        // Perplexity must stay below the row count: lowered to (N - 1) / 3.
        assertThat(r.tsnePerplexity()).isEqualTo(4.0);
    }

    @Test
    void theSameSeedGivesTheSameRow() {
        int[] y = new int[60];
        float[][] x = blobsIn3d(60, 3, y, 9);
        Separation.Result a = fast(6).measure(x, y, CLASSES, 0.3);
        Separation.Result b = fast(6).measure(x, y, CLASSES, 0.3);
        assertThat(b).usingRecursiveComparison().ignoringFieldsMatchingRegexes(".*[sS]econds", "probe").isEqualTo(a);
        assertThat(b.probe().testAccuracy()).isEqualTo(a.probe().testAccuracy());
    }

    @Test
    void oneClassIsRejectedWithASentence() {
        float[][] x = new float[10][2];
        for (int i = 0; i < 10; i++) x[i] = new float[] {i, -i};
        int[] y = new int[10];
        int[] train = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1};
        assertThatThrownBy(() -> fast(1).measure(x, train, x, y, List.of("a", "b")))
                .isInstanceOf(UserError.class).hasMessageContaining("at least two classes");
    }
}
