package imvec.data;

import imvec.extract.Extractor;
import imvec.store.Manifest;
import imvec.store.Synthetic;
import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A JPEG cut off part-way decodes into grey-padded pixels; imvec must not take it for a real image. */
class TruncatedJpegTest {
    @TempDir
    Path tmp;

    @Test
    void theFirst3000BytesOfARealPhotoAreATruncatedImage() throws IOException {
        Path dir = TestData.sharedData("imagenet-sample-images");
        byte[] photo = Files.readAllBytes(dir.resolve("n01440764_tench.JPEG"));
        Image whole = Images.decode(photo, "tench");
        assertThat(whole.width()).isPositive();

        byte[] cut = Arrays.copyOf(photo, 3000);
        assertThatThrownBy(() -> Images.decode(cut, "tench-cut"))
                .isInstanceOf(TruncatedImageException.class)
                .hasMessageContaining("tench-cut").hasMessageContaining("ends early")
                .satisfies(e -> assertThat(((TruncatedImageException) e).decoded().width()).isEqualTo(whole.width()));
    }

    @Test
    void aCutJpegIsSkippedWithItsReasonFatalUnderStrictAndKeptOnRequest() throws IOException {
        Path folder = tmp.resolve("photos");
        Files.createDirectories(folder.resolve("a"));
        Files.createDirectories(folder.resolve("b"));
        byte[] jpeg = jpeg(64, 48, 1);
        Files.write(folder.resolve("a/whole.jpg"), jpeg);
        Files.write(folder.resolve("b/whole.jpg"), jpeg(64, 48, 2));
        Files.write(folder.resolve("b/cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
        ImageSet set = DataSpecs.open("folder:" + folder, null);
        assertThat(set.size()).isEqualTo(3);

        var skipped = extractor(set).build().run(tmp.resolve("default"));
        assertThat(skipped.rows()).isEqualTo(2);
        assertThat(Manifest.read(tmp.resolve("default")).skipped()).singleElement()
                .satisfies(s -> {
                    assertThat(s.id()).isEqualTo("b/cut.jpg");
                    assertThat(s.reason()).contains("ends early");
                });

        assertThatThrownBy(() -> extractor(set).optStrict(true).build().run(tmp.resolve("strict")))
                .isInstanceOf(UserError.class).hasMessageContaining("b/cut.jpg").hasMessageContaining("--allow-truncated");

        var kept = extractor(set).optAllowTruncated(true).build().run(tmp.resolve("kept"));
        assertThat(kept.rows()).isEqualTo(3);
        assertThat(kept.skipped()).isZero();
    }

    @Test
    void aWholeJpegRaisesNoTruncationWarning() throws IOException {
        Image img = Images.decode(jpeg(33, 17, 3), "whole");
        assertThat(img.width()).isEqualTo(33);
        assertThat(img.height()).isEqualTo(17);
    }

    private static Extractor.Builder extractor(ImageSet set) {
        return Synthetic.extractor(set, Synthetic.model(0)).optTopK(0);
    }

    /** A noisy RGB JPEG, so its entropy-coded data is long enough to cut in the middle. */
    static byte[] jpeg(int w, int h, long seed) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, r.nextInt(1 << 24));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "jpg", out)).isTrue();
        return out.toByteArray();
    }
}
