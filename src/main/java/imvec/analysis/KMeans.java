package imvec.analysis;

import java.util.SplittableRandom;

/**
 * Lloyd's k-means with k-means++ seeding (Arthur &amp; Vassilvitskii 2007), seeded, used to cut a
 * per-location embedding map into regions. Pure: floats in, segment ids out.
 */
public final class KMeans {
    private static final int MAX_ITERATIONS = 100;

    private KMeans() {
    }

    /**
     * Segments an H×W×D map (row-major, D values per location) into at most k regions: the H×W
     * segment ids in 0..k−1. Fewer distinct locations than k leave some segments empty.
     */
    public static int[] segment(float[] map, int h, int w, int d, int k, long seed) {
        if (map.length != h * w * d) {
            throw new IllegalArgumentException("an " + h + "×" + w + "×" + d + " map needs " + h * w * d + " values, not " + map.length);
        }
        if (k < 1) throw new IllegalArgumentException("k-means needs k ≥ 1, not " + k);
        int n = h * w;
        double[][] centres = seedCentres(map, n, d, k, new SplittableRandom(seed));
        int[] assignment = new int[n];
        java.util.Arrays.fill(assignment, -1);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int c = nearest(map, i, d, centres);
                if (c != assignment[i]) {
                    assignment[i] = c;
                    changed = true;
                }
            }
            if (!changed) break;
            update(map, n, d, assignment, centres);
        }
        return assignment;
    }

    /** k-means++: each next centre drawn with probability proportional to its squared distance to the nearest chosen one. */
    private static double[][] seedCentres(float[] map, int n, int d, int k, SplittableRandom random) {
        double[][] centres = new double[k][];
        centres[0] = row(map, random.nextInt(n), d);
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) nearest[i] = distance(map, i, d, centres[0]);
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : nearest) total += v;
            int pick;
            if (total <= 0) {
                pick = random.nextInt(n); // every location already sits on a centre
            } else {
                double target = random.nextDouble() * total;
                pick = n - 1;
                for (int i = 0; i < n; i++) {
                    target -= nearest[i];
                    if (target < 0) {
                        pick = i;
                        break;
                    }
                }
            }
            centres[c] = row(map, pick, d);
            for (int i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], distance(map, i, d, centres[c]));
        }
        return centres;
    }

    private static void update(float[] map, int n, int d, int[] assignment, double[][] centres) {
        int k = centres.length;
        double[][] sums = new double[k][d];
        int[] counts = new int[k];
        for (int i = 0; i < n; i++) {
            int c = assignment[i];
            counts[c]++;
            for (int j = 0; j < d; j++) sums[c][j] += map[i * d + j];
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) continue; // an empty segment keeps its centre
            for (int j = 0; j < d; j++) centres[c][j] = sums[c][j] / counts[c];
        }
    }

    private static int nearest(float[] map, int i, int d, double[][] centres) {
        int best = 0;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int c = 0; c < centres.length; c++) {
            double dist = distance(map, i, d, centres[c]);
            if (dist < bestDistance) {
                bestDistance = dist;
                best = c;
            }
        }
        return best;
    }

    private static double distance(float[] map, int i, int d, double[] centre) {
        double s = 0;
        for (int j = 0; j < d; j++) {
            double diff = map[i * d + j] - centre[j];
            s += diff * diff;
        }
        return s;
    }

    private static double[] row(float[] map, int i, int d) {
        double[] out = new double[d];
        for (int j = 0; j < d; j++) out[j] = map[i * d + j];
        return out;
    }
}
