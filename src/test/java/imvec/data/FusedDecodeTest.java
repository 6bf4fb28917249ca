package imvec.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decoding straight into the batch tensor (reused per-thread pixels) against decoding to an {@link Image} first. */
class FusedDecodeTest {
    private static TurboJpeg turbo() {
        TurboJpeg.Loaded l = TurboJpeg.load(TurboJpeg.DEBIAN_JAR);
        Assumptions.assumeTrue(l.decoder() != null, () -> "turbojpeg unavailable (" + l.unavailableReason() + "); skipping");
        return l.decoder();
    }

    /**
     * Sample photos in a shuffled order, so the reused buffer goes from large images to small and
     * back, with every colour-profiled one (converted after decoding) and a spread of the others.
     */
    private static List<Path> photos() throws IOException {
        Path dir = TestData.sharedData("imagenet-sample-images");
        List<Path> all;
        try (Stream<Path> s = Files.list(dir)) {
            all = s.filter(p -> p.toString().endsWith(".JPEG")).sorted().toList();
        }
        List<Path> picked = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (i % 25 == 0 || !JpegIcc.srgbOrNone(Files.readAllBytes(all.get(i)))) picked.add(all.get(i));
        }
        java.util.Collections.shuffle(picked, new Random(15));
        return picked;
    }

    @Test
    void fusedDecodeGivesTheSameTensorAsDecodingToAnImageFirst() throws IOException {
        TurboJpeg turbo = turbo();
        List<Preprocess> pres = List.of(
                Preprocess.builder().setSize(224, 224).optSampling(Preprocess.Sampling.ASYMMETRIC).optMean(0.5f).optStd(0.5f).build(),
                Preprocess.builder().setSize(160, 200).optResize(Preprocess.Resize.CROP).optMean(0.485f, 0.456f, 0.406f).optStd(0.229f, 0.224f, 0.225f).build(),
                Preprocess.builder().setChannels(1).setSize(64, 64).build());
        int images = 0, profiled = 0;
        double max = 0;
        for (Path p : photos()) {
            byte[] bytes = Files.readAllBytes(p);
            if (!JpegIcc.srgbOrNone(bytes)) profiled++;
            images++;
            for (Preprocess pre : pres) {
                float[] viaImage = pre.apply(Images.decode(bytes, p.toString(), pre.width(), pre.height(), turbo));
                float[] fused = new float[pre.size() + 7];
                Images.decodeInto(bytes, p.toString(), pre, fused, 7, turbo, TurboJpeg.Speed.ACCURATE);
                for (int i = 0; i < viaImage.length; i++) max = Math.max(max, Math.abs(viaImage[i] - fused[7 + i]));
                assertThat(fused[0]).isZero(); // nothing written before the offset
            }
        }
        System.out.printf(java.util.Locale.ROOT, "fused decode vs Image path: %d photos (%d with a colour profile), max |diff| %.2e%n", images, profiled, max);
        assertThat(images).isGreaterThan(100);
        assertThat(profiled).isGreaterThan(50);
        assertThat(max).isLessThanOrEqualTo(1e-6);
    }

    @Test
    void folderSetAndSubsetReadIntoEqualReadThenApply() throws IOException {
        turbo();
        FolderSet set = FolderSet.open(TestData.sharedData("imagenet-sample-images"));
        ImageSet subset = IndexedSubset.head(set, 40);
        Preprocess pre = Preprocess.builder().setSize(224, 224).optResize(Preprocess.Resize.CROP).build();
        float[] fused = new float[pre.size()];
        for (int i = 0; i < subset.size(); i++) {
            subset.readInto(i, pre, fused, 0);
            assertThat(fused).as(subset.id(i)).isEqualTo(pre.apply(subset.read(i, 224, 224)));
        }
        ImageTensors t = ImageTensors.load(subset, pre, null);
        assertThat(java.util.Arrays.copyOfRange(t.x(), 39 * pre.size(), 40 * pre.size())).isEqualTo(fused);
    }

    @Test
    void rawPixelsMayBeLongerThanTheImage() {
        Random r = new Random(3);
        byte[] px = new byte[30 * 20 * 3];
        r.nextBytes(px);
        byte[] longer = java.util.Arrays.copyOf(px, px.length + 999);
        r.nextBytes(java.util.Arrays.copyOfRange(longer, px.length, longer.length));
        Image img = new Image(30, 20, 3, px);
        Preprocess pre = Preprocess.builder().setSize(17, 23).optResize(Preprocess.Resize.CROP).build();
        float[] out = new float[pre.size()];
        pre.apply(longer, 30, 20, 3, img.origin(), out, 0);
        assertThat(out).isEqualTo(pre.apply(img));
        assertThatThrownBy(() -> pre.apply(px, 31, 20, 3, img.origin(), out, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatedJpegIntoTheTensorThrowsWithTheJdkDecodersPaddedImage() throws IOException {
        TurboJpeg turbo = turbo();
        byte[] bytes = Files.readAllBytes(photos().get(0));
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length * 3 / 5);
        Preprocess pre = Preprocess.builder().setSize(224, 224).build();
        assertThatThrownBy(() -> Images.decodeInto(cut, "cut.jpg", pre, new float[pre.size()], 0, turbo, TurboJpeg.Speed.ACCURATE))
                .isInstanceOfSatisfying(TruncatedImageException.class, e -> assertThat(e.decoded()).isNotNull());
    }
}
