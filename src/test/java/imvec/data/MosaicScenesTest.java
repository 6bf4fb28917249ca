package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MosaicScenesTest {
    @TempDir
    Path dir;

    /** Solid-colour images, class k's colour set by k, so every scene pixel says which tile it came from. */
    record SolidColours(int classCount, int perClass, int width, int height) implements ImageSet {
        static int[] colour(int k) {
            return new int[] {(k * 37) % 200 + 20, (k * 91) % 200 + 20, (k * 53) % 200 + 40};
        }

        @Override
        public String spec() {
            return "solid:" + classCount;
        }

        @Override
        public int size() {
            return classCount * perClass;
        }

        @Override
        public List<String> classes() {
            return IntStream.range(0, classCount).mapToObj(k -> String.format("class%03d", k)).toList();
        }

        @Override
        public int label(int index) {
            return index / perClass;
        }

        @Override
        public String id(int index) {
            return "img" + index + ".png";
        }

        @Override
        public Image read(int index) {
            int[] c = colour(label(index));
            byte[] px = new byte[width * height * 3];
            for (int i = 0; i < width * height; i++) for (int ch = 0; ch < 3; ch++) px[3 * i + ch] = (byte) c[ch];
            return new Image(width, height, 3, px);
        }
    }

    private record TileRow(String scene, int cell, String source, String className, int x, int y, int size) {
    }

    private static List<TileRow> tiles(Path out) throws IOException {
        List<TileRow> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(out.resolve("tiles.csv"), StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            rows.add(new TileRow(f[0], Integer.parseInt(f[1]), f[2], f[3], Integer.parseInt(f[4]), Integer.parseInt(f[5]), Integer.parseInt(f[6])));
        }
        return rows;
    }

    @Test
    void masksAndPixelsMatchWhereTilesWerePlaced() throws Exception {
        for (boolean vary : new boolean[] {false, true}) {
            Path out = dir.resolve(vary ? "varied" : "plain");
            MosaicScenes.builder().setSource(new SolidColours(6, 3, 40, 30)).optGrid(3).optCell(20).optScenes(12).optSeed(9)
                    .optVary(vary).optImageFormat("png").build().write(out, (d, t) -> { });
            MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + out.resolve("labels.csv"));
            assertThat(set.size()).isEqualTo(12);
            assertThat(set.hasMasks()).isTrue();
            List<TileRow> tiles = tiles(out);
            for (int i = 0; i < set.size(); i++) {
                String scene = String.format("scene-%06d", i);
                List<TileRow> placed = tiles.stream().filter(t -> t.scene().equals(scene)).toList();
                assertThat(placed).isNotEmpty().hasSizeLessThanOrEqualTo(9);
                MultiLabelSet.Mask mask = set.mask(i);
                Image img = set.read(i);
                assertThat(mask.width()).isEqualTo(60);
                short[] expected = new short[60 * 60];
                Set<Integer> labels = new HashSet<>();
                for (TileRow t : placed) {
                    int k = set.classes().indexOf(t.className());
                    labels.add(k);
                    if (!vary) assertThat(t.size()).isEqualTo(20);
                    // The tile stays inside its cell.
                    assertThat(t.x() / 20 + 3 * (t.y() / 20)).isEqualTo(t.cell());
                    assertThat((t.x() + t.size() - 1) / 20 + 3 * ((t.y() + t.size() - 1) / 20)).isEqualTo(t.cell());
                    for (int y = t.y(); y < t.y() + t.size(); y++) for (int x = t.x(); x < t.x() + t.size(); x++) expected[y * 60 + x] = (short) (k + 1);
                }
                assertThat(mask.values()).containsExactly(expected);
                assertThat(set.labels(i)).containsExactlyInAnyOrder(labels.stream().mapToInt(Integer::intValue).toArray());
                for (int p = 0; p < 60 * 60; p++) {
                    int[] want = expected[p] == 0 ? new int[] {124, 116, 104} : SolidColours.colour(expected[p] - 1);
                    for (int c = 0; c < 3; c++) assertThat(img.sample(p / 60, p % 60, c)).as("scene %d pixel %d", i, p).isEqualTo(want[c]);
                }
            }
        }
    }

    @Test
    void aClassListKeepsOtherClassesImagesOutOfEveryScene() throws Exception {
        Path out = dir.resolve("seen");
        SolidColours source = new SolidColours(10, 4, 16, 16);
        List<String> seen = List.of("class001", "class004", "class007");
        MosaicScenes.builder().setSource(source).optCell(8).optScenes(40).optSeed(1).optVary(true)
                .optClasses(seen, "seen.txt").build().write(out, (d, t) -> { });
        assertThat(Files.readAllLines(out.resolve("classes.txt"))).containsExactlyElementsOf(seen);
        for (TileRow t : tiles(out)) {
            assertThat(seen).contains(t.className());
            int sourceIndex = Integer.parseInt(t.source().replaceAll("\\D", ""));
            assertThat(seen).contains(source.classes().get(source.label(sourceIndex)));
        }
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + out.resolve("labels.csv"));
        assertThat(set.classes()).containsExactlyElementsOf(seen);
    }

    @Test
    void theSameSeedGivesTheSameScenes() throws Exception {
        SolidColours source = new SolidColours(5, 2, 12, 12);
        MosaicScenes m = MosaicScenes.builder().setSource(source).optCell(6).optScenes(10).optSeed(4).optVary(true).optImageFormat("png").build();
        m.write(dir.resolve("a"), (d, t) -> { });
        m.write(dir.resolve("b"), (d, t) -> { });
        assertThat(Files.readString(dir.resolve("a/labels.csv"))).isEqualTo(Files.readString(dir.resolve("b/labels.csv")));
        assertThat(Files.readAllBytes(dir.resolve("a/masks/scene-000007.png"))).isEqualTo(Files.readAllBytes(dir.resolve("b/masks/scene-000007.png")));
        assertThat(Files.readString(dir.resolve("a/tiles.csv"))).isEqualTo(Files.readString(dir.resolve("b/tiles.csv")));
    }

    @Test
    void emptyCellsTakeTheChosenBackground() throws Exception {
        Path out = dir.resolve("black");
        MosaicScenes.builder().setSource(new SolidColours(3, 1, 8, 8)).optGrid(3).optCell(4).optScenes(5).optSeed(1)
                .optImageFormat("png").optBackground(0).build().write(out, (d, t) -> { });
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + out.resolve("labels.csv"));
        int background = 0;
        for (int i = 0; i < set.size(); i++) {
            Image img = set.read(i);
            short[] mask = set.mask(i).values();
            for (int p = 0; p < mask.length; p++) {
                if (mask[p] != 0) continue;
                background++;
                for (int c = 0; c < 3; c++) assertThat(img.sample(p / img.width(), p % img.width(), c)).isZero();
            }
        }
        assertThat(background).isPositive();
        assertThatThrownBy(() -> MosaicScenes.builder().optBackground(1, 2)).isInstanceOf(UserError.class);
    }

    @Test
    void moreThan254ClassesGetSixteenBitMasks() throws Exception {
        Path out = dir.resolve("many");
        MosaicScenes.builder().setSource(new SolidColours(300, 1, 8, 8)).optGrid(2).optCell(4).optScenes(30).optSeed(2)
                .build().write(out, (d, t) -> { });
        BufferedImage mask = ImageIO.read(out.resolve("masks/scene-000000.png").toFile());
        assertThat(mask.getType()).isEqualTo(BufferedImage.TYPE_USHORT_GRAY);
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + out.resolve("labels.csv"));
        int max = 0;
        for (int i = 0; i < set.size(); i++) {
            for (short v : set.mask(i).values()) max = Math.max(max, v);
            for (int k : set.labels(i)) assertThat(set.mask(i).values()).contains((short) (k + 1));
        }
        assertThat(max).isGreaterThan(254);
    }

    @Test
    void anUnknownClassIsOneSentenceAndLeavesNothingBehind() throws IOException {
        Path out = dir.resolve("bad");
        assertThatThrownBy(() -> MosaicScenes.builder().setSource(new SolidColours(4, 1, 8, 8)).optCell(4).optScenes(3)
                .optClasses(List.of("class01"), "seen.txt").build().write(out, (d, t) -> { }))
                .isInstanceOf(UserError.class).hasMessageContaining("class01").hasMessageContaining("did you mean");
        assertThat(out).doesNotExist();
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void imagenetSamplePhotosMakeScenesWhoseMasksFollowTheirTiles() throws Exception {
        Path photos = TestData.sharedData("imagenet-sample-images");
        ImageSet source = DataSpecs.open("folder:" + photos, null);
        ClassSplit split = ClassSplit.draw(source.classes(), 200, 1);
        Path out = dir.resolve("imagenet");
        MosaicScenes.builder().setSource(source).optClasses(split.unseen(), "unseen").optScenes(6).optSeed(3).optVary(true)
                .build().write(out, (d, t) -> { });
        MultiLabelSet set = MultiLabelSpecs.open("multilabel:" + out.resolve("labels.csv"));
        assertThat(set.classes()).containsExactlyElementsOf(split.unseen());
        List<TileRow> tiles = tiles(out);
        for (int i = 0; i < set.size(); i++) {
            String scene = String.format("scene-%06d", i);
            MultiLabelSet.Mask mask = set.mask(i);
            assertThat(set.read(i).width()).isEqualTo(448);
            for (TileRow t : tiles.stream().filter(r -> r.scene().equals(scene)).toList()) {
                assertThat(split.unseen()).contains(t.className()).contains(FolderSet.labelOf(t.source()));
                int k = set.classes().indexOf(t.className());
                assertThat(mask.classAt(t.y(), t.x())).isEqualTo(k);
                assertThat(mask.classAt(t.y() + t.size() - 1, t.x() + t.size() - 1)).isEqualTo(k);
                assertThat(set.labels(i)).contains(k);
            }
        }
    }

    @Test
    void aClassSplitIsSeededAndDisjoint() {
        List<String> classes = IntStream.range(0, 1000).mapToObj(i -> "c" + i).toList();
        ClassSplit a = ClassSplit.draw(classes, 200, 1), b = ClassSplit.draw(classes, 200, 1), c = ClassSplit.draw(classes, 200, 2);
        assertThat(a.unseen()).hasSize(200).isEqualTo(b.unseen()).isNotEqualTo(c.unseen());
        assertThat(a.seen()).hasSize(800).doesNotContainAnyElementsOf(a.unseen());
        assertThatThrownBy(() -> ClassSplit.draw(classes, 1000, 1)).isInstanceOf(UserError.class);
    }
}
