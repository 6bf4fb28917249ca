package imvec.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TurboJpegTest {
    /** libjpeg-turbo 2.x's factors, largest first, as tjGetScalingFactors lists them. */
    private static final int[][] FACTORS = {{2, 1}, {15, 8}, {7, 4}, {13, 8}, {3, 2}, {11, 8}, {5, 4}, {9, 8},
            {1, 1}, {7, 8}, {3, 4}, {5, 8}, {1, 2}, {3, 8}, {1, 4}, {1, 8}};

    private static TurboJpeg turbo() {
        TurboJpeg.Loaded l = TurboJpeg.load(TurboJpeg.DEBIAN_JAR);
        Assumptions.assumeTrue(l.decoder() != null, () -> "turbojpeg unavailable (" + l.unavailableReason()
                + "; apt-get install libturbojpeg-java libturbojpeg0-dev); skipping");
        return l.decoder();
    }

    /** Every other-th JPEG of the ImageNet sample folder, sorted, {@code n} of them. */
    private static List<Path> photos(int n) throws IOException {
        Path dir = TestData.sharedData("imagenet-sample-images");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> all = s.filter(p -> p.toString().endsWith(".JPEG")).sorted().toList();
            return java.util.stream.IntStream.range(0, n).mapToObj(i -> all.get(i * all.size() / n)).toList();
        }
    }

    @Test
    void choosesTheSmallestFactorNotBelowTheTarget() {
        assertThat(TurboJpeg.chooseScale(500, 375, 224, 224, FACTORS)).containsExactly(5, 8); // 312.5 × 234.4
        assertThat(TurboJpeg.chooseScale(1000, 800, 224, 224, FACTORS)).containsExactly(3, 8); // 1/4 gives 200
        assertThat(TurboJpeg.chooseScale(448, 448, 224, 224, FACTORS)).containsExactly(1, 2); // exactly the target
        assertThat(TurboJpeg.chooseScale(447, 448, 224, 224, FACTORS)).containsExactly(5, 8); // 1/2 gives 223.5 wide
        assertThat(TurboJpeg.chooseScale(200, 300, 224, 224, FACTORS)).containsExactly(1, 1); // never enlarges
        assertThat(TurboJpeg.chooseScale(4000, 3000, 0, 0, FACTORS)).containsExactly(1, 1); // no target: full size
        assertThat(TurboJpeg.chooseScale(4000, 3000, 1, 1, FACTORS)).containsExactly(1, 8);
        assertThat(TurboJpeg.chooseScale(2000, 600, 299, 100, FACTORS)).containsExactly(1, 4); // wide target: 500 × 150
    }

    @Test
    void chosenFactorKeepsTheTargetAndNoSmallerFactorDoes() {
        Random r = new Random(15);
        for (int t = 0; t < 2000; t++) {
            int w = 1 + r.nextInt(3000), h = 1 + r.nextInt(3000), tw = 1 + r.nextInt(400), th = 1 + r.nextInt(400);
            int[] f = TurboJpeg.chooseScale(w, h, tw, th, FACTORS);
            assertThat(f[0]).isLessThanOrEqualTo(f[1]);
            if (f[0] < f[1]) {
                assertThat((double) w * f[0] / f[1]).isGreaterThanOrEqualTo(tw);
                assertThat((double) h * f[0] / f[1]).isGreaterThanOrEqualTo(th);
                assertThat(TurboJpeg.scaled(w, f)).isGreaterThanOrEqualTo(tw);
            }
            for (int[] g : FACTORS) {
                if (g[0] * f[1] < f[0] * g[1]) { // a smaller factor would go below the target
                    assertThat(w * g[0] < tw * g[1] || h * g[0] < th * g[1]).isTrue();
                }
            }
        }
    }

    @Test
    void samePixelsAsTheJdkDecoderOnImagenetPhotos() throws IOException {
        TurboJpeg turbo = turbo();
        long diffs = 0, samples = 0;
        int max = 0, compared = 0, profiled = 0;
        for (Path p : photos(48)) {
            byte[] bytes = Files.readAllBytes(p);
            Image j = Images.decodeImageIO(bytes, p.toString());
            Image t = turbo.decode(bytes, p.toString(), 0, 0);
            if (t == null) { // a greyscale file with a colour profile: left to the JDK decoder
                assertThat(JpegIcc.srgbOrNone(bytes)).as(p.toString()).isFalse();
                assertThat(Images.decode(bytes, p.toString(), 0, 0, turbo).pixels()).isEqualTo(j.pixels());
                profiled++;
                continue;
            }
            assertThat(new int[]{t.width(), t.height(), t.channels()}).as(p.toString())
                    .containsExactly(j.width(), j.height(), j.channels());
            assertThat(t.origin().scale()).isEqualTo(1.0);
            for (int i = 0; i < t.pixels().length; i++) {
                int d = Math.abs((t.pixels()[i] & 0xFF) - (j.pixels()[i] & 0xFF));
                diffs += d;
                max = Math.max(max, d);
            }
            samples += t.pixels().length;
            compared++;
        }
        System.out.printf(Locale.ROOT, "turbojpeg vs ImageIO on %d ImageNet photos: max |diff| %d, mean |diff| %.6f"
                + " (%d more with a non-sRGB profile went to ImageIO)%n", compared, max, (double) diffs / samples, profiled);
        assertThat(compared).isGreaterThan(30);
        assertThat(max).isLessThanOrEqualTo(1);
        assertThat((double) diffs / samples).isLessThan(0.01);
    }

    @Test
    void nonSrgbProfilesAreConvertedToTheJdkDecodersPixels() throws IOException {
        TurboJpeg turbo = turbo();
        Path dir = TestData.sharedData("imagenet-sample-images");
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.toString().endsWith(".JPEG")).sorted().toList();
        }
        int converted = 0, leftToJdk = 0, scaled = 0, max = 0;
        for (Path p : all) {
            byte[] bytes = Files.readAllBytes(p);
            if (JpegIcc.srgbOrNone(bytes)) continue;
            Image t = turbo.decode(bytes, p.toString(), 0, 0);
            Image j = Images.decodeImageIO(bytes, p.toString());
            if (t == null) {
                // only greyscale files (or profiles) go to the JDK decoder now
                assertThat(j.channels()).as(p.toString()).isEqualTo(1);
                leftToJdk++;
                continue;
            }
            converted++;
            assertThat(new int[]{t.width(), t.height(), t.channels()}).as(p.toString())
                    .containsExactly(j.width(), j.height(), j.channels());
            for (int i = 0; i < t.pixels().length; i++) max = Math.max(max, Math.abs((t.pixels()[i] & 0xFF) - (j.pixels()[i] & 0xFF)));
            Image small = turbo.decode(bytes, p.toString(), 224, 224);
            if (small.origin().scale() < 1) scaled++;
        }
        System.out.printf(Locale.ROOT, "non-sRGB profiles: %d converted by turbojpeg + ICC (max |diff| %d against ImageIO, %d DCT-scaled), %d left to ImageIO%n",
                converted, max, scaled, leftToJdk);
        assertThat(converted).isGreaterThan(50); // 87 of the 1000 samples carry Adobe RGB, Generic RGB, camera profiles...
        assertThat(scaled).isPositive();
        assertThat(max).isLessThanOrEqualTo(1);
    }

    @Test
    void speedOptionsReachTheLibraryAndStayWithinAFewGreyLevels() throws IOException {
        TurboJpeg turbo = turbo();
        TurboJpeg.Speed fast = new TurboJpeg.Speed(true, true);
        long diffs = 0, samples = 0, changed = 0;
        for (Path p : photos(12)) {
            byte[] bytes = Files.readAllBytes(p);
            Image accurate = turbo.decode(bytes, p.toString(), 0, 0);
            // the default is the accurate decode, through Images too
            assertThat(turbo.decode(bytes, p.toString(), 0, 0, TurboJpeg.Speed.ACCURATE).pixels()).isEqualTo(accurate.pixels());
            assertThat(Images.decode(bytes, p.toString(), 0, 0, turbo).pixels()).isEqualTo(accurate.pixels());
            Image quick = turbo.decode(bytes, p.toString(), 0, 0, fast);
            assertThat(new int[]{quick.width(), quick.height()}).containsExactly(accurate.width(), accurate.height());
            for (int i = 0; i < quick.pixels().length; i++) {
                int d = Math.abs((quick.pixels()[i] & 0xFF) - (accurate.pixels()[i] & 0xFF));
                diffs += d;
                if (d > 0) changed++;
            }
            samples += quick.pixels().length;
        }
        System.out.printf(Locale.ROOT, "fast DCT + fast upsampling vs accurate, full size: %.4f of samples changed, mean |diff| %.4f%n",
                (double) changed / samples, (double) diffs / samples);
        assertThat(changed).isPositive(); // the flags are passed on, not dropped
        assertThat((double) diffs / samples).isLessThan(2.0); // 1.2 measured at full size; 0.14 after DCT scaling and resizing to 224
        assertThat(fast.describe()).isEqualTo("fast DCT, fast upsampling");
        assertThat(Images.jpegDecoder()).contains("accurate"); // the default, as the bench reports it
    }

    @Test
    void onlyThreeComponentRgbProfilesAreConverted() throws IOException {
        Path dir = TestData.sharedData("imagenet-sample-images");
        byte[] generic = JpegIcc.profile(Files.readAllBytes(dir.resolve("n01986214_hermit_crab.JPEG")));
        assertThat(IccToSrgb.forProfile(generic)).isNotNull();
        assertThat(IccToSrgb.forProfile(java.awt.color.ICC_Profile.getInstance(java.awt.color.ColorSpace.CS_GRAY).getData())).isNull();
        assertThat(IccToSrgb.forProfile(new byte[200])).isNull(); // not a profile at all
    }

    @Test
    void dctScaledDecodePreprocessesToNearlyTheSameTensor() throws IOException {
        TurboJpeg turbo = turbo();
        Preprocess pre = Preprocess.builder().setSize(224, 224).optResize(Preprocess.Resize.CROP).build();
        double sum = 0;
        long n = 0;
        int scaled = 0;
        for (Path p : photos(24)) {
            byte[] bytes = Files.readAllBytes(p);
            Image full = turbo.decode(bytes, p.toString(), 0, 0);
            Image small = turbo.decode(bytes, p.toString(), 224, 224);
            if (full == null) continue; // a non-sRGB profile: the JDK decoder's, never scaled
            assertThat(small.origin().width()).isEqualTo(full.width());
            assertThat(small.origin().height()).isEqualTo(full.height());
            if (small.origin().scale() < 1) {
                scaled++;
                assertThat(Math.min(full.width(), full.height()) * small.origin().scale()).isGreaterThanOrEqualTo(224);
            }
            float[] a = pre.apply(full), b = pre.apply(small);
            for (int i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
            n += a.length;
        }
        double mean = sum / n;
        System.out.printf(Locale.ROOT, "224 crop from DCT-scaled vs full decode: %d of 24 scaled, mean |diff| %.4f (0..1 scale)%n", scaled, mean);
        assertThat(scaled).isPositive();
        // Area-filtered (DCT) against point-sampled bilinear shrinking: a few grey levels on average, not a shifted picture.
        assertThat(mean).isLessThan(0.02);
    }

    @Test
    void scaledImagesMapOntoTheSameRegionOfThePicture() {
        // A linear ramp survives both 2×2 averaging and bilinear sampling, so a half-scale copy
        // must preprocess to the same values if (and only if) its geometry is mapped right.
        int w = 64, h = 48;
        byte[] full = new byte[w * h], half = new byte[w / 2 * h / 2];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) full[y * w + x] = (byte) (3 * x + y);
        for (int y = 0; y < h / 2; y++) {
            for (int x = 0; x < w / 2; x++) half[y * w / 2 + x] = (byte) Math.round(3 * (2 * x + 0.5) + (2 * y + 0.5));
        }
        Image a = new Image(w, h, 1, full), b = new Image(w / 2, h / 2, 1, half, new Image.Origin(w, h, 0.5));
        for (Preprocess.Resize resize : Preprocess.Resize.values()) {
            for (Preprocess.Sampling sampling : Preprocess.Sampling.values()) {
                Preprocess pre = Preprocess.builder().setChannels(1).setSize(20, 24).optResize(resize).optSampling(sampling).build();
                float[] fa = pre.apply(a), fb = pre.apply(b);
                double tolerance = 1.0 / 255; // the half-scale copy's rounding to bytes
                for (int i = 0; i < fa.length; i++) {
                    // Asymmetric sampling puts the first row and column on the picture's edge, outside the
                    // half-scale grid's first centre: clamped there, the ramp is not extrapolated.
                    if (sampling == Preprocess.Sampling.ASYMMETRIC && (i % 24 == 0 || i < 24)) continue;
                    assertThat((double) Math.abs(fa[i] - fb[i])).as(resize + " " + sampling + " at " + i).isLessThanOrEqualTo(tolerance);
                }
            }
        }
    }

    @Test
    void colourProfilesAreReadFromTheJpegHeaders() throws IOException {
        Path dir = TestData.sharedData("imagenet-sample-images");
        byte[] srgb = Files.readAllBytes(dir.resolve("n03733131_maypole.JPEG"));      // sRGB IEC61966-2.1
        byte[] generic = Files.readAllBytes(dir.resolve("n01986214_hermit_crab.JPEG")); // Generic RGB Profile
        byte[] none = Files.readAllBytes(dir.resolve("n01440764_tench.JPEG"));
        assertThat(JpegIcc.profile(srgb)).isNotNull();
        assertThat(JpegIcc.srgbOrNone(srgb)).isTrue();
        assertThat(JpegIcc.profile(generic)).isNotNull();
        assertThat(JpegIcc.srgbOrNone(generic)).isFalse();
        assertThat(JpegIcc.profile(none)).isNull();
        assertThat(JpegIcc.srgbOrNone(none)).isTrue();
        // the profile the JDK parses is the one we found: its header says so
        assertThat(java.awt.color.ICC_Profile.getInstance(JpegIcc.profile(generic)).getColorSpaceType())
                .isEqualTo(java.awt.color.ColorSpace.TYPE_RGB);
    }

    @Test
    void truncatedJpegIsNotDecodedSilently() throws IOException {
        TurboJpeg turbo = turbo();
        Path p = photos(1).get(0);
        byte[] bytes = Files.readAllBytes(p);
        byte[] cut = Arrays.copyOf(bytes, bytes.length * 3 / 5);
        assertThatThrownBy(() -> turbo.decode(cut, "cut.jpg", 0, 0)).isInstanceOf(TruncatedImageException.class)
                .hasMessageContaining("cut.jpg").hasMessageContaining("ends early");
        assertThatThrownBy(() -> turbo.decode(cut, "cut.jpg", 224, 224)).isInstanceOf(TruncatedImageException.class);
        assertThatThrownBy(() -> Images.decode(cut, "cut.jpg", 224, 224, turbo)).isInstanceOf(TruncatedImageException.class);
    }

    @Test
    void greyJpegStaysOneChannelAndMatchesTheJdkDecoder() throws IOException {
        TurboJpeg turbo = turbo();
        BufferedImage g = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 30; y++) for (int x = 0; x < 40; x++) g.getRaster().setSample(x, y, 0, (x * 7 + y * 5) % 256);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(g, "jpeg", out)).isTrue();
        Image t = turbo.decode(out.toByteArray(), "grey.jpg", 0, 0), j = Images.decodeImageIO(out.toByteArray(), "grey.jpg");
        assertThat(t.channels()).isEqualTo(1);
        assertThat(t.pixels()).isEqualTo(j.pixels());
    }

    @Test
    void withoutTheJarJpegsGoToTheJdkDecoder() throws IOException {
        TurboJpeg.Loaded missing = TurboJpeg.load(Path.of("/nonexistent/turbojpeg.jar"));
        assertThat(missing.decoder()).isNull();
        assertThat(missing.unavailableReason()).contains("/nonexistent/turbojpeg.jar").contains("libturbojpeg-java");
        Path p = photos(1).get(0);
        byte[] bytes = Files.readAllBytes(p);
        Image img = Images.decode(bytes, "a.jpg", 224, 224, null);
        Image direct = Images.decodeImageIO(bytes, "a.jpg");
        assertThat(img.origin().scale()).isEqualTo(1.0); // the JDK decoder has no DCT scaling
        assertThat(img.pixels()).isEqualTo(direct.pixels());
        assertThat(Images.jpegDecoder()).isNotBlank();
    }

    @Test
    void nonJpegBytesSkipTurbojpeg() throws IOException {
        TurboJpeg turbo = turbo();
        BufferedImage rgb = new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR);
        rgb.setRGB(2, 1, 0x336699);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(rgb, "png", out);
        Image img = Images.decode(out.toByteArray(), "a.png", 2, 2, turbo);
        assertThat(img.sample(1, 2, 0)).isEqualTo(0x33);
        assertThat(img.sample(1, 2, 2)).isEqualTo(0x99);
    }
}
