package imvec.train;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AugmentationTest {
    /** A 2-channel 5×6 image whose every value names its channel, row and column. */
    static float[] coded() {
        float[] x = new float[2 * 5 * 6];
        for (int c = 0; c < 2; c++) for (int r = 0; r < 5; r++) for (int col = 0; col < 6; col++) x[c * 30 + r * 6 + col] = 100 * (c + 1) + 10 * r + col + 1;
        return x;
    }

    @Test
    void everyOutputPixelIsTheSourcePixelAtTheDrawnShiftAndMirrorOrZero() {
        Augmentation a = Augmentation.parse("flip,crop");
        int changed = 0;
        for (int seed = 0; seed < 40; seed++) {
            float[] x = coded();
            a.apply(x, 0, 2, 5, 6, new Random(seed), new float[30]);
            // Redraw the same choices to know what the image should be.
            Random r = new Random(seed);
            boolean mirror = r.nextBoolean();
            int dy = r.nextInt(9) - 4, dx = r.nextInt(9) - 4;
            float[] src = coded();
            for (int c = 0; c < 2; c++) for (int row = 0; row < 5; row++) for (int col = 0; col < 6; col++) {
                int sr = row + dy, sc = (mirror ? 5 - col : col) + dx;
                float want = sr < 0 || sr >= 5 || sc < 0 || sc >= 6 ? 0f : src[c * 30 + sr * 6 + sc];
                assertThat(x[c * 30 + row * 6 + col]).as("seed %d c %d r %d col %d", seed, c, row, col).isEqualTo(want);
            }
            if (!java.util.Arrays.equals(x, src)) changed++;
        }
        assertThat(changed).isGreaterThan(30);
    }

    @Test
    void flipAloneMirrorsRowsAndKeepsEveryValue() {
        Augmentation a = Augmentation.parse("flip");
        float[] x = coded();
        Random r = new Random(3);
        boolean mirrored = new Random(3).nextBoolean();
        a.apply(x, 0, 2, 5, 6, r, new float[30]);
        float[] src = coded();
        assertThat(x[0]).isEqualTo(mirrored ? src[5] : src[0]);
        float[] sortedX = x.clone(), sortedSrc = src.clone();
        java.util.Arrays.sort(sortedX);
        java.util.Arrays.sort(sortedSrc);
        assertThat(sortedX).containsExactly(sortedSrc);
    }

    @Test
    void noneAndBadSpecs() {
        assertThat(Augmentation.parse("none").isNone()).isTrue();
        assertThat(Augmentation.parse("flip,crop")).isEqualTo(new Augmentation(true, 4));
        assertThat(Augmentation.parse("crop").toString()).contains("crop");
        assertThatThrownBy(() -> Augmentation.parse("flip,rotate")).isInstanceOf(UserError.class)
                .hasMessageContaining("unknown augmentation 'rotate'");
    }
}
