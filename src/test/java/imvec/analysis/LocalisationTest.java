package imvec.analysis;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LocalisationTest {
    @Test
    void meanIouMatchesAHandComputedCase() {
        // Two images of 4 pixels, one label (class 1). Truth and predictions at threshold 0.5:
        // image A truth [1,1,0,0], label probs [0.9,0.6,0.7,0.2] → pred [1,1,1,0]
        // image B truth [1,0,-1,0], probs [0.4,0.9,0.99,0.1] → pred [0,1,(ignored),0]
        Localisation.IouCurve curve = new Localisation.IouCurve(1, new double[] {0.5, 0.8});
        curve.add(new int[4], new float[] {0.9f, 0.6f, 0.7f, 0.2f}, new int[] {1, 1, 0, 0});
        curve.add(new int[4], new float[] {0.4f, 0.9f, 0.99f, 0.1f}, new int[] {1, 0, -1, 0});
        // At 0.5, class 1: I = 2 (A0, A1), truth 3, predicted 4 (A0, A1, A2, B1) → 2 / 5.
        // Background: truth {A2, A3, B1, B3} = 4, predicted {A3, B0, B3} = 3, I = {A3, B3} = 2 → 2 / 5.
        double[] at05 = curve.iou(0);
        assertThat(at05[1]).isCloseTo(2 / 5.0, within(1e-12));
        assertThat(at05[0]).isCloseTo(2 / 5.0, within(1e-12));
        assertThat(curve.meanIou(0)).isCloseTo(0.4, within(1e-12));
        // At 0.8, predicted class 1: {A0, B1}; I = 1; union 3 + 2 − 1 = 4 → 0.25.
        // Background predicted {A1, A2, A3, B0, B3}, truth 4, I {A2, A3, B3} = 3 → 3 / 6.
        assertThat(curve.iou(1)[1]).isCloseTo(0.25, within(1e-12));
        assertThat(curve.iou(1)[0]).isCloseTo(0.5, within(1e-12));
        assertThat(curve.meanForegroundIou(1)).isCloseTo(0.25, within(1e-12));
    }

    @Test
    void theArgmaxEqualsTheArgmaxOfEveryFullyUpsampledMap() {
        Random random = new Random(3);
        int h = 5, w = 7, labels = 9, outH = 37, outW = 50;
        float[][] maps = new float[labels][h * w];
        for (float[] m : maps) for (int i = 0; i < m.length; i++) m[i] = (float) random.nextGaussian();
        float[][] up = new float[labels][];
        for (int l = 0; l < labels; l++) up[l] = Localisation.bilinear(maps[l], h, w, outH, outW);
        Localisation.Argmax a = Localisation.argmax(maps, h, w, outH, outW);
        for (int p = 0; p < outH * outW; p++) {
            int best = 0;
            for (int l = 1; l < labels; l++) if (up[l][p] > up[best][p]) best = l;
            assertThat(a.label()[p]).as("pixel %d", p).isEqualTo(best);
            assertThat(a.logit()[p]).isEqualTo(up[best][p]);
        }
    }

    @Test
    void bilinearUpsamplingUsesHalfPixelCentres() {
        // A 1×2 map [0, 1] to 1×4: centres at −0.25, 0.25, 0.75, 1.25 in source pixels → clamped 0, 0.25, 0.75, 1.
        float[] up = Localisation.bilinear(new float[] {0, 1}, 1, 2, 1, 4);
        assertThat(up).containsExactly(0f, 0.25f, 0.75f, 1f);
    }

    @Test
    void eachRegionTakesItsBestSegment() {
        // A 2×2 segmentation read at 4×4: segment 0 left half, 1 right half.
        int[] seg = {0, 1, 0, 1};
        // Mask: region 1 is the left 4×2 half except one pixel; region 0 the rest; one ignored pixel.
        int[] mask = {
                1, 1, 0, 0,
                1, 1, 0, 0,
                1, 1, 0, 0,
                1, 0, 0, -1};
        double[] iou = Localisation.bestSegmentIou(seg, 2, 2, 2, mask, 4, 4);
        // Region 0 (background, 8 pixels) vs segment 1 (7 counted pixels): I 7, U 8 → 7/8.
        // Region 1 (7 pixels) vs segment 0 (8 pixels): I 7, U 8 → 7/8.
        assertThat(iou).containsExactly(7 / 8.0, 7 / 8.0);
    }
}
