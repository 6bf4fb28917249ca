package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultiLabelCsvSetTest {
    @TempDir
    Path dir;

    /** A VOC-style set: JPEG-less PNG photos, palette masks with 255 borders, a class table starting with background. */
    private Path vocLike() throws Exception {
        Files.createDirectories(dir.resolve("JPEGImages"));
        Files.createDirectories(dir.resolve("SegmentationClass"));
        for (String name : new String[] {"2007_000032", "2007_000033"}) {
            ImageIO.write(new BufferedImage(5, 4, BufferedImage.TYPE_3BYTE_BGR), "png", dir.resolve("JPEGImages/" + name + ".png").toFile());
        }
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int i = 0; i < 256; i++) r[i] = (byte) (i * 7);
        IndexColorModel palette = new IndexColorModel(8, 256, r, g, b);
        BufferedImage mask = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED, palette);
        int[] values = {
                0, 0, 255, 3, 3,
                0, 255, 3, 3, 3,
                1, 1, 255, 0, 0,
                1, 1, 1, 0, 0};
        mask.getRaster().setSamples(0, 0, 5, 4, 0, values);
        ImageIO.write(mask, "png", dir.resolve("SegmentationClass/2007_000032.png").toFile());
        BufferedImage empty = new BufferedImage(5, 4, BufferedImage.TYPE_BYTE_INDEXED, palette);
        ImageIO.write(empty, "png", dir.resolve("SegmentationClass/2007_000033.png").toFile());
        Files.writeString(dir.resolve("classes.txt"), "background\naeroplane\nbicycle\nbird\n");
        Path csv = dir.resolve("voc.csv");
        Files.writeString(csv, "image,labels\nJPEGImages/2007_000032.png,aeroplane;bird\nJPEGImages/2007_000033.png,\n");
        return csv;
    }

    @Test
    void paletteMasksKeepTheirIndicesAnd255IsIgnored() throws Exception {
        Path csv = vocLike();
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + csv + "#masks=SegmentationClass");
        assertThat(set.classes()).containsExactly("aeroplane", "bicycle", "bird");
        assertThat(set.size()).isEqualTo(2);
        assertThat(set.labels(0)).containsExactly(0, 2);
        assertThat(set.labels(1)).isEmpty();
        MultiLabelSet.Mask m = set.mask(0);
        assertThat(m.classAt(0, 3)).isEqualTo(2);
        assertThat(m.classAt(2, 0)).isEqualTo(0);
        assertThat(m.ignored(0, 2)).isTrue();
        assertThat(m.classAt(0, 0)).isEqualTo(-1);
        assertThat(m.ignored(0, 0)).isFalse();
        assertThat(set.read(0).width()).isEqualTo(5);
    }

    @Test
    void withoutATableTheClassesAreTheLabelsInNameOrder() throws Exception {
        Files.createDirectories(dir.resolve("img"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("img/a.png").toFile());
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("img/b.png").toFile());
        Files.writeString(dir.resolve("l.csv"), "img/a.png,zebra; dog\n\"img/b.png\",\"dog\"\n");
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + dir.resolve("l.csv"));
        assertThat(set.classes()).containsExactly("dog", "zebra");
        assertThat(set.labels(0)).containsExactly(0, 1);
        assertThat(set.hasMasks()).isFalse();
        assertThat(set.mask(0)).isNull();
    }

    @Test
    void badInputsAreOneSentenceEach() throws Exception {
        Path csv = vocLike();
        Files.writeString(dir.resolve("typo.csv"), "JPEGImages/2007_000032.png,aeroplan\n");
        assertThatThrownBy(() -> MultiLabelSpecs.open("multilabel:" + dir.resolve("typo.csv")))
                .isInstanceOf(UserError.class).hasMessageContaining("'aeroplan'").hasMessageContaining("did you mean aeroplane");
        Files.delete(dir.resolve("SegmentationClass/2007_000033.png"));
        assertThatThrownBy(() -> MultiLabelSpecs.open("multilabel:" + csv + "#masks=SegmentationClass"))
                .isInstanceOf(UserError.class).hasMessageContaining("no mask for 1 of the 2 images");
        assertThatThrownBy(() -> MultiLabelSpecs.open("multilabel:" + csv + "#colour=x"))
                .isInstanceOf(UserError.class).hasMessageContaining("unknown option #colour");
        Files.writeString(dir.resolve("small.txt"), "background\naeroplane\n");
        Files.writeString(dir.resolve("one.csv"), "JPEGImages/2007_000032.png,aeroplane\n");
        MultiLabelSet tooFewClasses = MultiLabelSpecs.open("multilabel:" + dir.resolve("one.csv") + "#classes=small.txt#masks=SegmentationClass");
        assertThatThrownBy(() -> tooFewClasses.mask(0)).isInstanceOf(UserError.class).hasMessageContaining("has value 3");
    }

    @Test
    void aSingleLabelSpecReadsAsOneLabelPerImage() throws Exception {
        Files.createDirectories(dir.resolve("f/cat"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", dir.resolve("f/cat/x.png").toFile());
        MultiLabelSet set = MultiLabelSpecs.open("folder:" + dir.resolve("f"));
        assertThat(set.labels(0)).containsExactly(0);
        assertThat(set.classes()).containsExactly("cat");
        assertThat(set.hasMasks()).isFalse();
    }
}
