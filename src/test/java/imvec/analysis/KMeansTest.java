package imvec.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class KMeansTest {
    @Test
    void separatedRegionsOfAMapBecomeSegments() {
        // A 6×6 map of 3-d vectors: left third near (5,0,0), middle near (0,5,0), right near (0,0,5).
        int h = 6, w = 6, d = 3;
        float[] map = new float[h * w * d];
        Random random = new Random(1);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int region = x / 2;
                for (int j = 0; j < d; j++) map[(y * w + x) * d + j] = (j == region ? 5 : 0) + (float) random.nextGaussian() * 0.1f;
            }
        }
        int[] seg = KMeans.segment(map, h, w, d, 3, 42);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // Same region ⇔ same segment.
                assertThat(seg[y * w + x] == seg[(x / 2) * 2]).isTrue();
            }
        }
        assertThat(java.util.Arrays.stream(seg).distinct().count()).isEqualTo(3);
        assertThat(KMeans.segment(map, h, w, d, 3, 42)).containsExactly(seg);
    }

    @Test
    void aConstantMapNeedsNoMoreThanOneSegment() {
        int[] seg = KMeans.segment(new float[4 * 4 * 2], 4, 4, 2, 3, 0);
        assertThat(java.util.Arrays.stream(seg).distinct().count()).isEqualTo(1);
    }
}
