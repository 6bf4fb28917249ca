package imvec.analysis;

/**
 * The mean euclidean silhouette written out the slow, obvious way, independent of
 * {@link Silhouette}, for tests to check results against.
 */
public final class ReferenceSilhouette {
    private ReferenceSilhouette() {
    }

    /** Labels run from 0 to the largest present; every class needs at least two rows. */
    public static double of(float[][] x, int[] y) {
        int classes = java.util.Arrays.stream(y).max().orElse(0) + 1;
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            double[] total = new double[classes];
            int[] count = new int[classes];
            for (int j = 0; j < x.length; j++) {
                if (j == i) continue;
                double d = 0;
                for (int c = 0; c < x[i].length; c++) d += (x[i][c] - x[j][c]) * (x[i][c] - x[j][c]);
                total[y[j]] += Math.sqrt(d);
                count[y[j]]++;
            }
            double a = total[y[i]] / count[y[i]];
            double b = Double.MAX_VALUE;
            for (int k = 0; k < classes; k++) if (k != y[i] && count[k] > 0) b = Math.min(b, total[k] / count[k]);
            sum += (b - a) / Math.max(a, b);
        }
        return sum / x.length;
    }
}
