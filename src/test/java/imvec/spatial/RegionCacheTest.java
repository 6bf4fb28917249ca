package imvec.spatial;

import imvec.data.Image;
import imvec.data.MultiLabelSet;
import imvec.data.TestData;
import imvec.words.LabelVectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/**
 * The disk cache of region embeddings against the head itself: on ImageNet sample photos through
 * MobileNet, a cache in either layout (unit blocks for the 768-channel {@code conv_pw_13_relu},
 * factored for the 48-channel {@code conv_pw_1_relu}) scores words as the head's own float64
 * forward pass on the backbone maps does, up to the stored features' rounding; and only a whole
 * cache made for the same head and images is ever read back.
 */
class RegionCacheTest {
    @TempDir
    static Path dir;
    static Path mobilenet;
    static MultiLabelSet scenes;
    static LabelVectors words;

    @BeforeAll
    static void photos() throws IOException {
        mobilenet = TestData.sharedData("imagenet-models/mobilenet-v1-0.75-224.onnx");
        Path samples = TestData.sharedData("imagenet-sample-images");
        List<Path> photos;
        try (Stream<Path> s = Files.list(samples)) {
            photos = s.filter(p -> p.toString().endsWith(".JPEG")).sorted().limit(6).toList();
        }
        for (int i = 0; i < photos.size(); i++) {
            Path to = dir.resolve("images").resolve(i % 2 == 0 ? "a" : "b").resolve(photos.get(i).getFileName());
            Files.createDirectories(to.getParent());
            Files.createSymbolicLink(to, photos.get(i));
        }
        scenes = SpatialJob.openScenes("folder:" + dir.resolve("images"));
        words = LabelVectors.require(List.of("dog", "sky", "grass"), TestData.sharedData("glove-6b-100d-subset/vectors.txt"), Map.of());
    }

    static List<String> ids() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < scenes.size(); i++) ids.add(scenes.id(i));
        return ids;
    }

    /** Builds a cache and checks its scores, maps and diversity against the head on the backbone's maps. */
    static RegionCache agrees(String name, String tap, int channels, RegionCache.Layout layout, RegionCache.Storage storage,
                              double tolerance) throws IOException {
        CosineMapHead head = CosineMapHead.create(channels, 3, 100, 8, 7);
        SpatialJob.Tap t = new SpatialJob.Tap(mobilenet, tap, 64);
        AtomicLong done = new AtomicLong();
        RegionCache cache = RegionCache.build(dir.resolve(name), t, head, scenes, storage, Map.of("test", name), 4, 2, done::set);
        assertThat(done.get()).isEqualTo(scenes.size());
        assertThat(cache.layout()).isEqualTo(layout);
        assertThat(cache.size()).isEqualTo(scenes.size());

        FeatureMaps maps = SpatialJob.maps(t, scenes, d -> { });
        Scores reference = new SpatialModel(head).score(maps, ids(), words, 4, 2, SpatialModel.Precision.FLOAT64, d -> { });
        Scores cached = cache.score(words, 4, 2, d -> { });
        assertThat(cached.height()).isEqualTo(maps.height());
        assertThat(cached.labels()).isEqualTo(reference.labels());
        for (int i = 0; i < reference.scores().length; i++) assertThat(cached.scores()[i]).isCloseTo(reference.scores()[i], offset((float) tolerance));
        for (int i = 0; i < reference.maps().length; i++) assertThat(cached.maps()[i]).isCloseTo(reference.maps()[i], offset((float) (4 * tolerance)));

        double[] diversity = RegionEmbeddings.compute(head, maps, ids(), 4, 2, SpatialModel.Precision.FLOAT64, d -> { }).diversity();
        float[] stored = cache.diversity();
        for (int i = 0; i < diversity.length; i++) assertThat((double) stored[i]).isCloseTo(diversity[i], offset(1e-4));
        return cache;
    }

    @Test
    void unitBlocksInFloat16ScoreAsTheHeadDoes() throws IOException {
        RegionCache c = agrees("pw13-f16", "conv_pw_13_relu", 768, RegionCache.Layout.UNIT_BLOCKS, RegionCache.Storage.FLOAT16, 2e-3);
        // 2×2 locations × 3 blocks × 100 dims × 2 bytes a photo, and the small files beside them.
        assertThat(c.bytesOnDisk()).isBetween(6L * 4 * 3 * 100 * 2, 6L * 4 * 3 * 100 * 2 + 4096);
    }

    @Test
    void unitBlocksInFloat32ScoreAsTheHeadDoesToFloatPrecision() throws IOException {
        agrees("pw13-f32", "conv_pw_13_relu", 768, RegionCache.Layout.UNIT_BLOCKS, RegionCache.Storage.FLOAT32, 1e-5);
    }

    @Test
    void factoredMapsAndScalesInFloat16ScoreAsTheHeadDoes() throws IOException {
        // 48 channels < 100 word dims: the maps and each block's scale are stored, smaller than the blocks themselves.
        RegionCache c = agrees("pw1-f16", "conv_pw_1_relu", 48, RegionCache.Layout.FACTORED, RegionCache.Storage.FLOAT16, 2e-3);
        long locations = 6L * 32 * 32;
        assertThat(c.bytesOnDisk()).isBetween(locations * (48 * 2 + 3 * 4), locations * (48 * 2 + 3 * 4) + 4096);
    }

    @Test
    void factoredInFloat32ScoresAsTheHeadDoesToFloatPrecision() throws IOException {
        agrees("pw1-f32", "conv_pw_1_relu", 48, RegionCache.Layout.FACTORED, RegionCache.Storage.FLOAT32, 1e-5);
    }

    @Test
    void onlyAWholeCacheOfTheSameHeadImagesAndStorageIsReadBack() throws IOException {
        CosineMapHead head = CosineMapHead.create(768, 3, 100, 8, 11);
        Path d = dir.resolve("reuse");
        RegionCache.build(d, new SpatialJob.Tap(mobilenet, "conv_pw_13_relu", 64), head, scenes, RegionCache.Storage.FLOAT16, Map.of(), 4, 2, x -> { });
        assertThat(RegionCache.open(d, head, ids(), RegionCache.Storage.FLOAT16)).isNotNull();
        // Another head (retrained), other storage, other images: not this cache.
        assertThat(RegionCache.open(d, CosineMapHead.create(768, 3, 100, 8, 12), ids(), RegionCache.Storage.FLOAT16)).isNull();
        assertThat(RegionCache.open(d, head, ids(), RegionCache.Storage.FLOAT32)).isNull();
        assertThat(RegionCache.open(d, head, ids().subList(0, 5), RegionCache.Storage.FLOAT16)).isNull();
        // Cut short, as a full disk or a kill while copying would leave it: never read as whole.
        try (FileChannel ch = FileChannel.open(d.resolve("features.npy"), StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - 2);
        }
        assertThat(RegionCache.open(d, head, ids(), RegionCache.Storage.FLOAT16)).isNull();
    }

    @Test
    void aBuildThatFailsHalfWayLeavesNoCacheAndNoTemporaryFiles() throws IOException {
        CosineMapHead head = CosineMapHead.create(768, 3, 100, 8, 13);
        Path d = dir.resolve("broken");
        Files.createDirectories(d);
        Files.writeString(d.resolve(".features.npy.123.tmp"), "what a killed build left"); // removed by the next build
        MultiLabelSet failing = new Failing(scenes, 4);
        assertThatThrownBy(() -> RegionCache.build(d, new SpatialJob.Tap(mobilenet, "conv_pw_13_relu", 64), head, failing,
                RegionCache.Storage.FLOAT16, Map.of(), 2, 2, x -> { })).hasMessageContaining("image 4");
        assertThat(RegionCache.open(d, head, ids(), RegionCache.Storage.FLOAT16)).isNull();
        try (Stream<Path> s = Files.list(d)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp")).doesNotContain("regions.json", "features.npy");
        }
    }

    /** The photos, but image {@code bad} cannot be read (as a file deleted under a running build). */
    record Failing(MultiLabelSet inner, int bad) implements MultiLabelSet {
        public String spec() {
            return inner.spec();
        }

        public int size() {
            return inner.size();
        }

        public List<String> classes() {
            return inner.classes();
        }

        public int[] labels(int index) {
            return inner.labels(index);
        }

        public String id(int index) {
            return inner.id(index);
        }

        public Image read(int index) throws IOException {
            if (index == bad) throw new IOException("cannot read image " + index);
            return inner.read(index);
        }

        public boolean hasMasks() {
            return false;
        }

        public Mask mask(int index) {
            return null;
        }
    }
}
