package imvec.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IndexedSubsetTest {
    /** Ten images, labels 0,0,1,1,…: class-sorted like a folder set. */
    static ImageSet sorted() {
        return new ImageSet() {
            public String spec() { return "sorted"; }
            public int size() { return 10; }
            public List<String> classes() { return List.of("a", "b", "c", "d", "e"); }
            public int label(int i) { return i / 2; }
            public String id(int i) { return "img-" + i; }
            public Image read(int i) { return new Image(1, 1, 1, new byte[] {(byte) i}); }
        };
    }

    @Test
    void headTakesTheFirstImagesAndSaysSoInTheSpec() throws Exception {
        ImageSet head = IndexedSubset.head(sorted(), 3);
        assertThat(head.spec()).isEqualTo("sorted[:3]");
        assertThat(head.size()).isEqualTo(3);
        assertThat(head.id(2)).isEqualTo("img-2");
        assertThat(head.read(2).pixels()[0]).isEqualTo((byte) 2);
    }

    @Test
    void spreadReachesEveryClassOfASortedSet() {
        ImageSet spread = IndexedSubset.spread(sorted(), 5);
        assertThat(spread.spec()).isEqualTo("sorted[spread 5]");
        assertThat(List.of(spread.label(0), spread.label(1), spread.label(2), spread.label(3), spread.label(4)))
                .containsExactly(0, 1, 2, 3, 4);
        assertThat(spread.id(4)).isEqualTo("img-8");
    }

    @Test
    void askingForAllOrNoneGivesTheWholeSet() {
        ImageSet base = sorted();
        assertThat(IndexedSubset.head(base, 10)).isSameAs(base);
        assertThat(IndexedSubset.spread(base, 0)).isSameAs(base);
        assertThat(IndexedSubset.spread(base, 12)).isSameAs(base);
    }
}
