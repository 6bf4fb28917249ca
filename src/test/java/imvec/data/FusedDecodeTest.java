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
    void fileBytesInALongerReusedBufferDecodeAsTheExactBytes() throws IOException {
        // A per-thread file buffer holds the previous, longer file's tail after the current one.
        TurboJpeg turbo = turbo();
        Preprocess pre = Preprocess.builder().setSize(224, 224).optResize(Preprocess.Resize.CROP).build();
        List<Path> photos = photos().subList(0, 12);
        byte[] biggest = new byte[0];
        for (Path p : photos) biggest = Files.size(p) > biggest.length ? Files.readAllBytes(p) : biggest;
        for (Path p : photos) {
            byte[] bytes = Files.readAllBytes(p);
            byte[] reused = biggest.clone();
            System.arraycopy(bytes, 0, reused, 0, bytes.length);
            float[] exact = new float[pre.size()], fromLonger = new float[pre.size()];
            Images.decodeInto(bytes, p.toString(), pre, exact, 0, turbo, TurboJpeg.Speed.ACCURATE);
            Images.decodeInto(reused, bytes.length, p.toString(), pre, fromLonger, 0, turbo, TurboJpeg.Speed.ACCURATE);
            assertThat(fromLonger).as(p.toString()).isEqualTo(exact);
        }
        // The JDK decoder's path (a PNG) gets the exact bytes too, not the stale tail.
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(5, 3, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(1, 1, 0x00FF8040);
        var png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", png);
        byte[] padded = java.util.Arrays.copyOf(png.toByteArray(), png.size() + 100);
        java.util.Arrays.fill(padded, png.size(), padded.length, (byte) 7);
        float[] a = new float[pre.size()], b = new float[pre.size()];
        Images.decodeInto(png.toByteArray(), "x.png", pre, a, 0, turbo, TurboJpeg.Speed.ACCURATE);
        Images.decodeInto(padded, png.size(), "x.png", pre, b, 0, turbo, TurboJpeg.Speed.ACCURATE);
        assertThat(b).isEqualTo(a);
        assertThatThrownBy(() -> Images.decodeInto(padded, padded.length + 1, "x.png", pre, b, 0, turbo, TurboJpeg.Speed.ACCURATE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theThreadsDecompressorDecodesCleanlyAfterAFileItRejected() throws Exception {
        // One decompressor per thread is reused across images; a bad file must not leave state behind.
        TurboJpeg turbo = turbo();
        Preprocess pre = Preprocess.builder().setSize(224, 224).build();
        List<Path> photos = photos().subList(0, 6);
        List<float[]> fresh = new ArrayList<>();
        for (Path p : photos) {
            float[] out = new float[pre.size()];
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    Images.decodeInto(Files.readAllBytes(p), p.toString(), pre, out, 0, turbo, TurboJpeg.Speed.ACCURATE);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            t.join();
            fresh.add(out);
        }
        byte[] good = Files.readAllBytes(photos.get(0));
        byte[] garbled = good.clone();
        for (int i = garbled.length / 3; i < garbled.length - 2; i += 7) garbled[i] = (byte) 0xFF; // markers inside the scan
        byte[] headerOnly = java.util.Arrays.copyOf(good, 200);
        byte[] noImage = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9, 0, 0};
        Random r = new Random(15);
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < photos.size(); k++) {
                byte[] bad = switch (r.nextInt(3)) {
                    case 0 -> garbled;
                    case 1 -> headerOnly;
                    default -> noImage;
                };
                try {
                    Images.decodeInto(bad, "bad.jpg", pre, new float[pre.size()], 0, turbo, TurboJpeg.Speed.ACCURATE);
                } catch (UnreadableImageException expected) {
                    // rejected or decoded with the JDK's padding: either way the next file must be unaffected
                }
                float[] out = new float[pre.size()];
                Images.decodeInto(Files.readAllBytes(photos.get(k)), photos.get(k).toString(), pre, out, 0, turbo, TurboJpeg.Speed.ACCURATE);
                assertThat(out).as(photos.get(k) + " after a bad file").isEqualTo(fresh.get(k));
            }
        }
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
