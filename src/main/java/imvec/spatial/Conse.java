package imvec.spatial;

import imvec.util.UserError;
import imvec.words.LabelVectors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ConSE, the convex combination of semantic embeddings (Norouzi et al., ICLR 2014): an image's
 * embedding is Σₜ pₜ·vₜ / Σₜ pₜ over the T seen classes the classifier finds most probable, vₜ the
 * unit word vector of seen class t, and a label's score is the cosine of that embedding with the
 * label's unit vector. The classifier's other classes (unseen ones, or ones without a vector)
 * never get weight: its softmax is restricted to the seen classes and renormalised over their top
 * T, which is the paper's setting when the classifier was trained on more classes than are seen.
 * It needs no training, only the classifier and the seen vocabulary, and gives no localisation maps.
 */
public final class Conse {
    public static final String KIND = "conse";
    /** The paper's T (it reports T = 10 as its best). */
    public static final int DEFAULT_TOP = 10;

    private final LabelVectors seen;
    private final int[] seenOfClass;
    private final int top;

    private Conse(LabelVectors seen, int[] seenOfClass, int top) {
        this.seen = seen;
        this.seenOfClass = seenOfClass;
        this.top = top;
    }

    /**
     * @param classes the classifier's class names in output order
     * @param seen    the seen labels with their vectors; a classifier class counts as seen when
     *                its name is one of them
     * @param top     T, how many of the most probable seen classes are combined
     */
    public static Conse of(List<String> classes, LabelVectors seen, int top) {
        if (top < 1) throw new UserError("--top must be at least 1, not " + top + ".");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < seen.size(); i++) index.put(seen.names().get(i), i);
        int[] seenOfClass = new int[classes.size()];
        int mapped = 0;
        for (int k = 0; k < seenOfClass.length; k++) {
            seenOfClass[k] = index.getOrDefault(classes.get(k), -1);
            if (seenOfClass[k] >= 0) mapped++;
        }
        if (mapped == 0) {
            throw new UserError("none of the classifier's " + classes.size() + " classes (e.g. '" + (classes.isEmpty() ? "" : classes.get(0))
                    + "') is a seen label with a word vector (e.g. '" + (seen.size() == 0 ? "" : seen.names().get(0))
                    + "'); ConSE matches them by name.");
        }
        return new Conse(seen, seenOfClass, top);
    }

    public int top() {
        return top;
    }

    /** The seen labels that no classifier class names: they can never get weight. */
    public List<String> seenWithoutClass() {
        boolean[] has = new boolean[seen.size()];
        for (int s : seenOfClass) if (s >= 0) has[s] = true;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < has.length; i++) if (!has[i]) out.add(seen.names().get(i));
        return out;
    }

    /** The top-T seen labels of one image (indices into the seen labels) and their weights, summing to 1. */
    public record Weights(int[] seen, double[] weight) {
    }

    /** @param output one image's classifier output: probabilities, or logits (turned into a softmax) */
    public Weights weights(float[] output) {
        if (output.length != seenOfClass.length) {
            throw new IllegalArgumentException("a classifier output of " + output.length + " classes, expected " + seenOfClass.length);
        }
        double[] p = probabilities(output);
        List<Integer> candidates = new ArrayList<>();
        for (int k = 0; k < p.length; k++) if (seenOfClass[k] >= 0) candidates.add(k);
        // Highest probability first; ties in class order, so the choice is deterministic.
        candidates.sort((a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
        int t = Math.min(top, candidates.size());
        double sum = 0;
        for (int i = 0; i < t; i++) sum += p[candidates.get(i)];
        int[] labels = new int[t];
        double[] weight = new double[t];
        for (int i = 0; i < t; i++) {
            labels[i] = seenOfClass[candidates.get(i)];
            weight[i] = sum > 0 ? p[candidates.get(i)] / sum : 1.0 / t;
        }
        return new Weights(labels, weight);
    }

    /** The ConSE embedding of one image: Σ weight · unit vector of its top-T seen labels. */
    public float[] embedding(float[] output) {
        Weights w = weights(output);
        double[] e = new double[seen.dims()];
        for (int i = 0; i < w.seen().length; i++) {
            float[] v = seen.unit()[w.seen()[i]];
            for (int j = 0; j < e.length; j++) e[j] += w.weight()[i] * v[j];
        }
        float[] out = new float[e.length];
        for (int j = 0; j < e.length; j++) out[j] = (float) e[j];
        return out;
    }

    /**
     * Scores N images (their classifier outputs) against L labels of any kind, seen or unseen:
     * cosines in [−1, 1]; an embedding of length 0 scores 0 everywhere. No localisation maps.
     */
    public Scores score(List<String> ids, float[][] outputs, LabelVectors labels) {
        if (labels.dims() != seen.dims()) {
            throw new UserError("the labels have " + labels.dims() + "-dim vectors; the seen classes' are " + seen.dims() + "-dim.");
        }
        int l = labels.size();
        float[] scores = new float[outputs.length * l];
        for (int i = 0; i < outputs.length; i++) {
            float[] e = embedding(outputs[i]);
            double norm = 0;
            for (float x : e) norm += (double) x * x;
            norm = Math.sqrt(norm);
            for (int j = 0; j < l && norm > 0; j++) {
                float[] u = labels.unit()[j];
                double dot = 0;
                for (int d = 0; d < e.length; d++) dot += (double) e[d] * u[d];
                scores[i * l + j] = (float) (dot / norm);
            }
        }
        return new Scores(List.copyOf(ids), labels.names(), 0, 0, scores, null);
    }

    /**
     * The output as probabilities: kept when it already is a distribution (a softmax layer such
     * as MobileNet's {@code probabilities}), else a softmax of it (a logits layer). Renormalising
     * over the top T makes the two agree, since a softmax restricted to some classes only rescales.
     */
    static double[] probabilities(float[] output) {
        double sum = 0;
        boolean distribution = true;
        for (float v : output) {
            if (!(v >= 0 && v <= 1)) distribution = false;
            sum += v;
        }
        double[] p = new double[output.length];
        if (distribution && Math.abs(sum - 1) < 1e-3) {
            for (int k = 0; k < p.length; k++) p[k] = output[k];
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : output) max = Math.max(max, v);
        double z = 0;
        for (int k = 0; k < p.length; k++) z += p[k] = Math.exp(output[k] - max);
        for (int k = 0; k < p.length; k++) p[k] /= z;
        return p;
    }
}
