package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PreprocessTest {
    private static Image randomRgb(int w, int h, long seed) {
        byte[] px = new byte[w * h * 3];
        new Random(seed).nextBytes(px);
        return new Image(w, h, 3, px);
    }

    @Test
    void sameSizeIsIdentityInBothSamplings() {
        Image img = randomRgb(7, 5, 1);
        for (Preprocess.Sampling s : Preprocess.Sampling.values()) {
            float[] out = Preprocess.builder().setSize(5, 7).optSampling(s).build().apply(img);
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < 5; y++)
                    for (int x = 0; x < 7; x++)
                        assertThat(out[c * 35 + y * 7 + x]).isEqualTo(img.sample(y, x, c) / 255f);
        }
    }

    @Test
    void meanAndStdArePerChannel() {
        Image img = new Image(1, 1, 3, new byte[]{(byte) 255, 0, (byte) 51});
        float[] out = Preprocess.builder().setSize(1, 1).optMean(0.5f, 0.5f, 0.5f).optStd(0.5f, 0.25f, 0.5f).build().apply(img);
        assertThat(out[0]).isCloseTo(1f, within(1e-6f));
        assertThat(out[1]).isCloseTo(-2f, within(1e-6f));
        assertThat(out[2]).isCloseTo((0.2f - 0.5f) / 0.5f, within(1e-6f));
    }

    @Test
    void greyIsReplicatedForRgbModelsAndRgbBecomesLuma() {
        Image grey = new Image(2, 2, 1, new byte[]{10, 20, 30, 40});
        float[] rgb = Preprocess.builder().setSize(2, 2).build().apply(grey);
        for (int c = 0; c < 3; c++) assertThat(rgb[c * 4 + 3]).isEqualTo(40 / 255f);
        Image colour = new Image(1, 1, 3, new byte[]{(byte) 200, 100, 50});
        float[] g = Preprocess.builder().setSize(1, 1).setChannels(1).build().apply(colour);
        assertThat(g[0]).isCloseTo((0.299f * 200 + 0.587f * 100 + 0.114f * 50) / 255f, within(1e-5f));
    }

    @Test
    void cropKeepsTheCentreOfAWideImage() {
        // 6×2 image: the left and right thirds are black, the centre 2×2 is white.
        byte[] px = new byte[6 * 2];
        for (int y = 0; y < 2; y++) for (int x = 2; x < 4; x++) px[y * 6 + x] = (byte) 255;
        float[] out = Preprocess.builder().setSize(2, 2).setChannels(1)
                .optResize(Preprocess.Resize.CROP).build().apply(new Image(6, 2, 1, px));
        assertThat(out).containsOnly(1f);
        float[] stretched = Preprocess.builder().setSize(2, 2).setChannels(1).build().apply(new Image(6, 2, 1, px));
        assertThat(stretched[0]).isLessThan(1f);
    }

    @Test
    void downscaledConstantImageStaysConstant() {
        byte[] px = new byte[40 * 30 * 3];
        java.util.Arrays.fill(px, (byte) 77);
        float[] out = Preprocess.builder().setSize(7, 9).build().apply(new Image(40, 30, 3, px));
        assertThat(out).containsOnly(77 / 255f);
    }

    @Test
    void wrongStatisticsAreUserErrors() {
        assertThatThrownBy(() -> Preprocess.builder().setSize(2, 2).optMean(0.1f, 0.2f).build())
                .isInstanceOf(UserError.class).hasMessageContaining("mean has 2 values");
        assertThatThrownBy(() -> Preprocess.builder().setSize(2, 2).optStd(0f).build())
                .isInstanceOf(UserError.class).hasMessageContaining("std must be positive");
    }

    @Test
    void decodesPngGreyAndRgbAndRejectsGarbage() throws Exception {
        BufferedImage grey = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 1, 0, 123);
        Image g = Images.decode(png(grey), "g.png");
        assertThat(g.channels()).isEqualTo(1);
        assertThat(g.sample(1, 1, 0)).isEqualTo(123);

        BufferedImage rgb = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        rgb.setRGB(1, 0, 0xFF102030);
        Image c = Images.decode(png(rgb), "c.png");
        assertThat(c.channels()).isEqualTo(3);
        assertThat(new int[]{c.sample(0, 1, 0), c.sample(0, 1, 1), c.sample(0, 1, 2)}).containsExactly(0x10, 0x20, 0x30);

        assertThatThrownBy(() -> Images.decode("not an image".getBytes(), "bad.jpg"))
                .isInstanceOf(UnreadableImageException.class).hasMessageContaining("bad.jpg");
    }

    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }
}
