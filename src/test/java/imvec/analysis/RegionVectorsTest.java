package imvec.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RegionVectorsTest {
    /** P locations × k blocks × d dims, each location the same vector. */
    private static float[] repeated(float[] location, int locations) {
        float[] out = new float[location.length * locations];
        for (int p = 0; p < locations; p++) System.arraycopy(location, 0, out, p * location.length, location.length);
        return out;
    }

    @Test
    void identicalLocationsHaveNoDiversity() {
        float[] v = repeated(new float[] {0.3f, -2f, 1f, 4f, 0.5f, 0.5f}, 9); // k = 2 blocks of d = 3
        assertThat(RegionVectors.diversity(v, 0, 9, 2, 3)).isCloseTo(0, within(1e-12));
    }

    @Test
    void twoEqualHalvesWithOrthogonalEmbeddingsHaveDiversityOneHalf() {
        float[] v = new float[8 * 3];
        for (int p = 0; p < 8; p++) v[p * 3 + (p < 4 ? 0 : 1)] = p < 4 ? 2f : 7f; // lengths differ: only directions count
        assertThat(RegionVectors.diversity(v, 0, 8, 1, 3)).isCloseTo(0.5, within(1e-12));
        // Opposite directions are as far apart as unit vectors get: ū = 0, diversity 1.
        for (int p = 4; p < 8; p++) {
            v[p * 3 + 1] = 0;
            v[p * 3] = -1f;
        }
        assertThat(RegionVectors.diversity(v, 0, 8, 1, 3)).isCloseTo(1, within(1e-12));
    }

    @Test
    void diversityIsOneMinusTheSquaredLengthOfTheMeanUnitVectorAveragedOverBlocks() {
        Random r = new Random(5);
        int p = 12, k = 3, d = 4, offset = 7;
        float[] v = new float[offset + p * k * d];
        for (int i = offset; i < v.length; i++) v[i] = (float) r.nextGaussian();
        double expected = 0;
        for (int b = 0; b < k; b++) {
            double[] mean = new double[d];
            for (int q = 0; q < p; q++) {
                double norm = 0;
                for (int j = 0; j < d; j++) norm += Math.pow(v[offset + q * k * d + b * d + j], 2);
                for (int j = 0; j < d; j++) mean[j] += v[offset + q * k * d + b * d + j] / Math.sqrt(norm) / p;
            }
            double len = 0;
            for (double m : mean) len += m * m;
            expected += (1 - len) / k;
        }
        double got = RegionVectors.diversity(v, offset, p, k, d);
        assertThat(got).isCloseTo(expected, within(1e-6)).isBetween(0.0, 1.0);
    }

    @Test
    void unitBlocksScaleEachBlockAloneAndKeepZeroBlocksZero() {
        float[] v = {3, 4, 0, 0, 0, 5};
        float[] out = new float[2 + 6];
        RegionVectors.unitBlocks(v, 0, 3, 2, out, 2);
        assertThat(out).containsExactly(new float[] {0, 0, 0.6f, 0.8f, 0, 0, 0, 1}, within(1e-6f));
    }
}
