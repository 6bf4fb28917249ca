package imvec.analysis;


import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Search by painted maps: a query paints, per word, a grid of +1 (wanted here), −1 (not wanted
 * here) and 0 (don't care) over the image. An image scores Σ over words of ⟨query resampled to
 * the map's size, the word's per-location probability⟩ divided by the number of locations, so
 * grids of any size score on one scale.
 */
public final class MapSearch {
    private MapSearch() {
    }

    /** Per-location logits to probabilities, in place (the maps are stored as logits); returns {@code m}. */
    public static float[] sigmoidInPlace(float[] m) {
        for (int i = 0; i < m.length; i++) m[i] = (float) (1 / (1 + Math.exp(-m[i])));
        return m;
    }

    /**
     * A gh×gw grid read at an h×w map by nearest cell: location (y, x) takes the grid cell under
     * its centre, so a 2×2 grid splits a 14×14 map into four 7×7 quadrants.
     */
    public static float[] resample(float[] grid, int gh, int gw, int h, int w) {
        if (grid.length != gh * gw) throw new IllegalArgumentException("a " + gh + "×" + gw + " grid needs " + gh * gw + " cells");
        float[] out = new float[h * w];
        for (int y = 0; y < h; y++) {
            int gy = Math.min(gh - 1, (int) ((y + 0.5) * gh / h));
            for (int x = 0; x < w; x++) {
                int gx = Math.min(gw - 1, (int) ((x + 0.5) * gw / w));
                out[y * w + x] = grid[gy * gw + gx];
            }
        }
        return out;
    }

    /** The score of one image: {@code queries[q]} and {@code maps[q]} are word q's resampled grid and probability map. */
    public static double score(float[][] queries, float[][] maps) {
        double s = 0;
        int locations = 0;
        for (int q = 0; q < queries.length; q++) {
            float[] a = queries[q], b = maps[q];
            if (a.length != b.length) throw new IllegalArgumentException("query and map sizes differ: " + a.length + " vs " + b.length);
            for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
            locations = a.length;
        }
        return locations == 0 ? 0 : s / locations;
    }

    /** Indices of the k highest scores, best first; ties keep the lower index first. */
    public static int[] topK(double[] scores, int k) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Precision at k of a ranking: relevant items among its first k, divided by min(k, number of
     * relevant items), so a query with only three relevant scenes can still reach 1.
     * NaN when nothing is relevant.
     */
    public static double precisionAtK(int[] ranking, boolean[] relevant, int k) {
        long total = 0;
        for (boolean r : relevant) if (r) total++;
        if (total == 0) return Double.NaN;
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranking.length); i++) if (relevant[ranking[i]]) hits++;
        return (double) hits / Math.min(k, total);
    }

    /** Plain precision at k: relevant items among the first k, divided by k. */
    public static double plainPrecisionAtK(int[] ranking, boolean[] relevant, int k) {
        int hits = 0;
        for (int i = 0; i < Math.min(k, ranking.length); i++) if (relevant[ranking[i]]) hits++;
        return (double) hits / k;
    }

}
