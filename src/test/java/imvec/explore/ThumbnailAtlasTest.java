package imvec.explore;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThumbnailAtlasTest {
    @Test
    void pagesHoldEveryRowAndTheLastIsOnlyAsTallAsItsRows() {
        for (int n : new int[] {1, 60, 4096, 4097, 16_384, 70_000, 1_000_000}) {
            int tile = ThumbnailAtlas.defaultTile(n);
            int tpr = ThumbnailAtlas.tilesPerRow(n, tile);
            assertThat(tpr * tile).isLessThanOrEqualTo(ThumbnailAtlas.MAX_SIDE);
            int perPage = tpr * tpr;
            var l = new ThumbnailAtlas.Layout(n, tile, tpr, (n + perPage - 1) / perPage, ThumbnailAtlas.FORMAT);
            int capacity = 0;
            for (int p = 0; p < l.pages(); p++) capacity += l.rows(p) * tpr;
            assertThat(capacity).as("n=" + n).isBetween(n, n + tpr - 1);
        }
        var fm = new ThumbnailAtlas.Layout(70_000, 16, 256, 2, ThumbnailAtlas.FORMAT);
        assertThat(fm.rows(0)).isEqualTo(256);
        assertThat(fm.rows(1)).isEqualTo(18);
    }

    @Test
    void previewTilesAreAQuarterTheSideAndNeverBelowTheSmallest() {
        // 70,000 images at the preview's 4 px fit one page: the page can paint every image from one texture.
        int tpr = ThumbnailAtlas.tilesPerRow(70_000, 4);
        assertThat((long) tpr * tpr).isGreaterThanOrEqualTo(70_000);
        assertThat((long) ThumbnailAtlas.tilesPerRow(1_000_000, 4) * ThumbnailAtlas.tilesPerRow(1_000_000, 4)).isGreaterThanOrEqualTo(1_000_000);
    }
}
