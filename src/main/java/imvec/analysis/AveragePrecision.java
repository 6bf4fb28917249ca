package imvec.analysis;

import java.util.Arrays;

/**
 * Average precision of a ranking, as scikit-learn's {@code average_precision_score} defines it:
 * AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds, highest first, so tied scores enter
 * together (no interpolation). Mean average precision is its mean over labels, each label ranking
 * the images by that label's score.
 */
public final class AveragePrecision {
    private AveragePrecision() {
    }

    /** Per-label APs and their mean over the labels that have at least one positive image. */
    public record Result(double mean, double[] perLabel, int labelsScored, int labelsWithoutPositives) {
    }

    /** AP of {@code scores} against {@code positive}; NaN when there is no positive. */
    public static double of(float[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " truths");
        }
        int n = scores.length;
        int totalPositives = 0;
        for (boolean p : positive) if (p) totalPositives++;
        if (totalPositives == 0) return Double.NaN;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        double ap = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        for (int i = 0; i < n; ) {
            // All images tied at this score pass the threshold together.
            float s = scores[order[i]];
            int j = i;
            while (j < n && Float.compare(scores[order[j]], s) == 0) {
                if (positive[order[j]]) truePositives++;
                j++;
            }
            seen = j;
            double recall = (double) truePositives / totalPositives;
            double precision = (double) truePositives / seen;
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            i = j;
        }
        return ap;
    }

    /**
     * Mean AP over the given label columns of an N×L score matrix; {@code truth[i][c]} says whether
     * image i has label column c. Labels with no positive image are left out of the mean (their AP
     * is undefined) and counted.
     */
    public static Result mean(float[][] scores, boolean[][] truth, int[] columns) {
        double[] per = new double[columns.length];
        double sum = 0;
        int scored = 0, empty = 0;
        for (int k = 0; k < columns.length; k++) {
            int c = columns[k];
            float[] s = new float[scores.length];
            boolean[] t = new boolean[scores.length];
            for (int i = 0; i < scores.length; i++) {
                s[i] = scores[i][c];
                t[i] = truth[i][c];
            }
            per[k] = of(s, t);
            if (Double.isNaN(per[k])) {
                empty++;
            } else {
                sum += per[k];
                scored++;
            }
        }
        return new Result(scored == 0 ? Double.NaN : sum / scored, per, scored, empty);
    }

    /**
     * Hit@k for single-label images: the share of images whose true column ranks among the k
     * highest of {@code columns}. Ties count against the image (a tied label ranks ahead), so a
     * constant score never looks good. Images whose label is not among the columns are skipped.
     */
    public static double hitAtK(float[][] scores, int[] trueColumn, int[] columns, int k) {
        int hits = 0, counted = 0;
        java.util.BitSet allowed = new java.util.BitSet();
        for (int c : columns) allowed.set(c);
        for (int i = 0; i < scores.length; i++) {
            if (trueColumn[i] < 0 || !allowed.get(trueColumn[i])) continue;
            counted++;
            float own = scores[i][trueColumn[i]];
            int ahead = 0;
            for (int c : columns) {
                if (c != trueColumn[i] && scores[i][c] >= own) ahead++;
            }
            if (ahead < k) hits++;
        }
        return counted == 0 ? Double.NaN : (double) hits / counted;
    }
}
