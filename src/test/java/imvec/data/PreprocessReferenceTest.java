package imvec.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The row-cached separable resize in {@link Preprocess} against a direct, per-pixel bilinear
 * reference written here (four neighbours looked up and blended for every output sample).
 * Stated tolerance: none — both do the same float operations in the same order, so every
 * output value must be bit-identical, for up- and downscaling, both resize modes, both
 * sampling conventions and every grey/RGB image-to-model combination.
 */
class PreprocessReferenceTest {

    /** The straightforward form: for each output pixel and channel, blend the four source samples. */
    private static float[] reference(Image img, int channels, int height, int width, Preprocess.Resize resize,
                                     Preprocess.Sampling sampling, float[] mean, float[] std) {
        double srcW = img.width(), srcH = img.height(), x0 = 0, y0 = 0;
        if (resize == Preprocess.Resize.CROP) {
            double scale = Math.max((double) width / img.width(), (double) height / img.height());
            srcW = width / scale;
            srcH = height / scale;
            x0 = (img.width() - srcW) / 2;
            y0 = (img.height() - srcH) / 2;
        }
        double sx = srcW / width, sy = srcH / height;
        boolean half = sampling == Preprocess.Sampling.HALF_PIXEL;
        float[] out = new float[channels * height * width];
        int plane = height * width;
        float[] v = new float[3];
        for (int y = 0; y < height; y++) {
            double fy = clamp(half ? y0 + (y + 0.5) * sy - 0.5 : y0 + y * sy, img.height());
            int ya = (int) Math.floor(fy), yb = Math.min(ya + 1, img.height() - 1);
            float ty = (float) (fy - ya);
            for (int x = 0; x < width; x++) {
                double fx = clamp(half ? x0 + (x + 0.5) * sx - 0.5 : x0 + x * sx, img.width());
                int xa = (int) Math.floor(fx), xb = Math.min(xa + 1, img.width() - 1);
                float tx = (float) (fx - xa);
                for (int c = 0; c < img.channels(); c++) {
                    float a = img.sample(ya, xa, c) + (img.sample(ya, xb, c) - (float) img.sample(ya, xa, c)) * tx;
                    float b = img.sample(yb, xa, c) + (img.sample(yb, xb, c) - (float) img.sample(yb, xa, c)) * tx;
                    v[c] = (a + (b - a) * ty) / 255f;
                }
                int at = y * width + x;
                if (channels == img.channels()) {
                    for (int c = 0; c < channels; c++) out[at + c * plane] = (v[c] - mean[c]) / std[c];
                } else if (channels == 3) {
                    for (int c = 0; c < 3; c++) out[at + c * plane] = (v[0] - mean[c]) / std[c];
                } else {
                    out[at] = (0.299f * v[0] + 0.587f * v[1] + 0.114f * v[2] - mean[0]) / std[0];
                }
            }
        }
        return out;
    }

    private static double clamp(double f, int n) {
        return Math.max(0, Math.min(n - 1, f));
    }

    private static Image random(int w, int h, int channels, long seed) {
        byte[] px = new byte[w * h * channels];
        new Random(seed).nextBytes(px);
        return new Image(w, h, channels, px);
    }

    private static void assertSame(Image img, int channels, int height, int width) {
        float[] mean = channels == 3 ? new float[]{0.485f, 0.456f, 0.406f} : new float[]{0.5f};
        float[] std = channels == 3 ? new float[]{0.229f, 0.224f, 0.225f} : new float[]{0.25f};
        for (Preprocess.Resize resize : Preprocess.Resize.values()) {
            for (Preprocess.Sampling sampling : Preprocess.Sampling.values()) {
                Preprocess pre = Preprocess.builder().setChannels(channels).setSize(height, width)
                        .optResize(resize).optSampling(sampling).optMean(mean).optStd(std).build();
                float[] want = reference(img, channels, height, width, resize, sampling, mean, std);
                float[] got = new float[want.length + 7];
                pre.apply(img, got, 7); // at an offset, as batches are filled
                String what = img.width() + "x" + img.height() + "x" + img.channels() + " -> " + channels + "x"
                        + height + "x" + width + " " + resize + " " + sampling;
                for (int i = 0; i < want.length; i++) {
                    if (Float.floatToIntBits(got[i + 7]) != Float.floatToIntBits(want[i])) {
                        throw new AssertionError(what + ": value " + i + " is " + got[i + 7] + ", reference " + want[i]);
                    }
                }
            }
        }
    }

    @Test
    void randomImagesMatchTheDirectBilinearBitForBit() {
        int[][] sizes = {{500, 375}, {375, 500}, {31, 17}, {1, 1}, {224, 224}, {7, 300}, {96, 64}};
        long seed = 1;
        for (int[] s : sizes) {
            for (int imgChannels : new int[]{1, 3}) {
                Image img = random(s[0], s[1], imgChannels, seed++);
                for (int modelChannels : new int[]{1, 3}) {
                    assertSame(img, modelChannels, 224, 224);
                    assertSame(img, modelChannels, 13, 40);
                }
            }
        }
    }

    @Test
    void realImageNetJpegsMatchTheDirectBilinearBitForBit() throws Exception {
        Path dir = TestData.sharedData("imagenet-sample-images");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".JPEG")).sorted().limit(12).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            Image img = Images.decode(Files.readAllBytes(f), f.getFileName().toString());
            assertSame(img, 3, 224, 224);
        }
    }
}
