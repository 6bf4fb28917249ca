package imvec.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MapSearchTest {
    @Test
    void aTwoByTwoGridSplitsAMapIntoQuadrants() {
        float[] q = MapSearch.resample(new float[] {1, -1, 0, 1}, 2, 2, 4, 4);
        assertThat(q).containsExactly(
                1, 1, -1, -1,
                1, 1, -1, -1,
                0, 0, 1, 1,
                0, 0, 1, 1);
        // A 3×3 grid on a 4×4 map: location centres 0.5..3.5 fall in cells 0, 0, 1, 2.
        float[] g3 = MapSearch.resample(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3, 4, 4);
        assertThat(g3[0]).isEqualTo(1);
        assertThat(g3[2]).isEqualTo(2);
        assertThat(g3[15]).isEqualTo(9);
    }

    @Test
    void thePlantedSceneRanksFirst() {
        // 50 random probability maps for two words; scene 17 has word 0 top-right only and word 1 along the bottom.
        int h = 8, w = 8, n = 50;
        Random random = new Random(5);
        float[][][] maps = new float[n][2][h * w];
        for (float[][] scene : maps) for (float[] m : scene) for (int i = 0; i < m.length; i++) m[i] = random.nextFloat() * 0.6f;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                maps[17][0][y * w + x] = y < h / 2 && x >= w / 2 ? 0.99f : 0.01f;
                maps[17][1][y * w + x] = y >= h / 2 ? 0.99f : 0.01f;
            }
        }
        float[][] query = {
                MapSearch.resample(new float[] {-1, 1, 0, -1}, 2, 2, h, w),
                MapSearch.resample(new float[] {0, 0, 1, 1}, 2, 2, h, w)};
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) scores[i] = MapSearch.score(query, maps[i]);
        int[] top = MapSearch.topK(scores, 3);
        assertThat(top[0]).isEqualTo(17);
        assertThat(scores[top[0]]).isGreaterThan(scores[top[1]]);
    }

    @Test
    void precisionAtTenIsCappedByTheRelevantCount() {
        boolean[] relevant = new boolean[20];
        relevant[3] = relevant[7] = relevant[15] = true;
        int[] ranking = {3, 7, 0, 1, 2, 4, 5, 6, 8, 9, 15};
        assertThat(MapSearch.precisionAtK(ranking, relevant, 10)).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(MapSearch.plainPrecisionAtK(ranking, relevant, 10)).isCloseTo(0.2, within(1e-12));
        assertThat(MapSearch.precisionAtK(ranking, new boolean[20], 10)).isNaN();
    }
}
