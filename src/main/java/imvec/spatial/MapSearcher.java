package imvec.spatial;

import imvec.analysis.MapSearch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link MapQuery} over a scores directory's localisation maps: each image scores
 * Σ over words of ⟨query grid resampled to the map, sigmoid(map)⟩ / locations (see
 * {@link MapSearch}). Probabilities rather than logits, so one very confident location cannot
 * outweigh the rest of the painted grid.
 */
public final class MapSearcher {
    /** One ranked image. */
    public record Hit(int rank, int image, String id, double score) {
    }

    private MapSearcher() {
    }

    public static List<Hit> search(ScoresDirectory scores, MapQuery query, int top) throws IOException {
        double[] s = scoreAll(scores, query);
        List<Hit> out = new ArrayList<>();
        int[] order = MapSearch.topK(s, top);
        for (int r = 0; r < order.length; r++) out.add(new Hit(r + 1, order[r], scores.ids().get(order[r]), s[order[r]]));
        return out;
    }

    /** The score of every image for the query. */
    public static double[] scoreAll(ScoresDirectory scores, MapQuery query) throws IOException {
        if (!scores.hasMaps()) throw new imvec.util.UserError("scores directory " + scores.dir() + " has no maps.npy, which map search needs");
        int[] columns = query.columns(scores.labels());
        int h = scores.mapHeight(), w = scores.mapWidth();
        float[][] grids = new float[columns.length][];
        for (int q = 0; q < columns.length; q++) {
            MapQuery.Term t = query.terms().get(q);
            grids[q] = MapSearch.resample(t.grid(), t.rows(), t.cols(), h, w);
        }
        double[] out = new double[scores.ids().size()];
        for (int i = 0; i < out.length; i++) {
            float[][] maps = scores.maps(i, columns);
            for (float[] m : maps) MapSearch.sigmoidInPlace(m);
            out[i] = MapSearch.score(grids, maps);
        }
        return out;
    }
}
