package imvec.explore;

import imvec.spatial.WordClusters;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where the map puts a collection clustered around words: one disc per word's cluster (and one
 * for {@link WordClusters#NONE} when some image fell below the minimum score), on a grid in the
 * order of the words. Inside a disc the images lie on a sunflower spiral ordered by their score,
 * the best at the centre, so the rim holds the doubtful members; a disc's area is proportional to
 * its number of images, so the discs compare as the counts do.
 */
final class ClusterLayout {
    /** The golden angle: consecutive spiral points never line up, so the disc fills evenly. */
    private static final double GOLDEN = Math.PI * (3 - Math.sqrt(5));

    private ClusterLayout() {
    }

    /** N×2 coordinates in [−1, 1]. */
    static float[] of(WordClusters c) {
        int n = c.cluster().length, k = c.words().size();
        List<List<Integer>> groups = new ArrayList<>();
        for (int j = 0; j <= k; j++) groups.add(new ArrayList<>());
        for (int i = 0; i < n; i++) groups.get(c.cluster()[i] < 0 ? k : c.cluster()[i]).add(i);
        if (groups.get(k).isEmpty()) groups.remove(k);
        int cells = groups.size(), cols = (int) Math.ceil(Math.sqrt(cells)), rows = (cells + cols - 1) / cols;
        double cell = 2.0 / Math.max(cols, rows);
        int largest = groups.stream().mapToInt(List::size).max().orElse(1);
        float[] out = new float[n * 2];
        for (int g = 0; g < cells; g++) {
            List<Integer> members = new ArrayList<>(groups.get(g));
            members.sort(Comparator.comparingDouble((Integer i) -> -c.score()[i]).thenComparingInt(i -> i));
            double cx = -1 + cell * (g % cols + 0.5) + (2 - cell * cols) / 2;
            double cy = 1 - cell * (g / cols + 0.5) - (2 - cell * rows) / 2;
            double radius = 0.45 * cell * Math.sqrt(members.size() / (double) largest);
            for (int t = 0; t < members.size(); t++) {
                double r = radius * Math.sqrt((t + 0.5) / members.size()), a = t * GOLDEN;
                int i = members.get(t);
                out[2 * i] = (float) (cx + r * Math.cos(a));
                out[2 * i + 1] = (float) (cy + r * Math.sin(a));
            }
        }
        return out;
    }
}
