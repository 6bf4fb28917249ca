package imvec.classvec;

import imvec.store.LabelledMatrix;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.List;

/**
 * The obvious class embedding: the mean activation of each class's rows in one layer. With
 * {@code normaliseRows} every row is scaled to unit length first, so large activations do not
 * dominate the mean. Classes without rows get no vector (and are named in {@link Result#missing}).
 */
public final class Centroids {
    public record Result(ClassVectors vectors, int[] counts, List<String> missing) {
    }

    private Centroids() {
    }

    public static Result of(LabelledMatrix m, boolean normaliseRows) {
        if (m.n() == 0) throw new UserError(m.source() + " holds no rows.");
        int d = m.dims();
        int classes = m.classes().size();
        double[][] sum = new double[classes][d];
        int[] count = new int[classes];
        for (int i = 0; i < m.n(); i++) {
            int y = m.labels()[i];
            if (y < 0 || y >= classes) {
                throw new UserError(m.source() + " row " + i + " has label " + y + ", outside the " + classes + " classes.");
            }
            float[] row = m.rows()[i];
            double scale = 1;
            if (normaliseRows) {
                double ss = 0;
                for (float v : row) ss += (double) v * v;
                scale = ss > 0 ? 1 / Math.sqrt(ss) : 0;
            }
            for (int k = 0; k < d; k++) sum[y][k] += row[k] * scale;
            count[y]++;
        }
        List<String> names = new ArrayList<>(), missing = new ArrayList<>();
        List<float[]> vectors = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            if (count[c] == 0) {
                missing.add(m.classes().get(c));
                continue;
            }
            float[] v = new float[d];
            for (int k = 0; k < d; k++) v[k] = (float) (sum[c][k] / count[c]);
            names.add(m.classes().get(c));
            vectors.add(v);
            counts.add(count[c]);
        }
        String source = "centroids of " + m.source() + (normaliseRows ? " (rows L2-normalised)" : "");
        return new Result(new ClassVectors(names, vectors.toArray(new float[0][]), source),
                counts.stream().mapToInt(Integer::intValue).toArray(), missing);
    }
}
