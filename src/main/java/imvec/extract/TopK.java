package imvec.extract;

import imvec.model.Tensor;

/** The k most probable classes of each row of a classifier output. */
public final class TopK {
    /** Row-major {@code n × k} class indices and their probabilities. */
    public record Rows(int[] indices, float[] probs) {
    }

    private TopK() {
    }

    /**
     * Rows that are already distributions (non-negative, summing to 1) are used as they are;
     * anything else is taken as logits and passed through a softmax first.
     */
    public static Rows of(Tensor t, int k) {
        int n = t.batch(), d = t.rowLength();
        if (k > d) throw new imvec.util.UserError("--topk " + k + " is larger than the " + d + " classes of the output layer.");
        int[] idx = new int[n * k];
        float[] prob = new float[n * k];
        float[] row = new float[d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(t.data(), i * d, row, 0, d);
            if (!isDistribution(row)) softmax(row);
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int c = 0; c < d; c++) if (!taken(idx, i * k, j, c) && (best < 0 || row[c] > row[best])) best = c;
                idx[i * k + j] = best;
                prob[i * k + j] = row[best];
            }
        }
        return new Rows(idx, prob);
    }

    private static boolean taken(int[] idx, int from, int count, int c) {
        for (int j = 0; j < count; j++) if (idx[from + j] == c) return true;
        return false;
    }

    private static boolean isDistribution(float[] row) {
        double sum = 0;
        for (float v : row) {
            if (v < 0) return false;
            sum += v;
        }
        return Math.abs(sum - 1) < 1e-3;
    }

    private static void softmax(float[] row) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) max = Math.max(max, v);
        double sum = 0;
        for (int c = 0; c < row.length; c++) {
            row[c] = (float) Math.exp(row[c] - max);
            sum += row[c];
        }
        for (int c = 0; c < row.length; c++) row[c] /= (float) sum;
    }
}
