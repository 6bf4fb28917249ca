package imvec.classvec;

import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;

import java.nio.file.Path;
import java.util.List;

/**
 * The (true class, predicted class) pairs of Sustek & Zboril: for each image of true class t and
 * each of its top-K predictions p_1 … p_K, the pair (t, p_k). Predictions outside the dataset's
 * classes (stored as −1) give no pair.
 *
 * @param centre      true class of each pair, an index into {@code classes}
 * @param context     predicted class of each pair, an index into the prediction vocabulary
 * @param classes     the dataset's class names (the centre words)
 * @param contextSize size of the prediction vocabulary (the dataset's classes, or the model's outputs)
 */
public record ConfusionPairs(int[] centre, int[] context, List<String> classes, int contextSize,
                             int images, int k, String source) {
    public ConfusionPairs {
        if (centre.length != context.length) throw new IllegalArgumentException("centre and context differ in length");
    }

    public int size() {
        return centre.length;
    }

    /**
     * Pairs from true labels and the top-{@code k} columns of a row-major N × stored top-K index
     * matrix (column 0 the most probable).
     */
    public static ConfusionPairs of(int[] labels, int[] topk, int storedK, int k, List<String> classes,
                                    int contextSize, String source) {
        if (k < 1) throw new UserError("--top must be at least 1, not " + k + ".");
        if (storedK < 1 || topk.length != labels.length * storedK) {
            throw new UserError(source + ": top-k indices hold " + topk.length + " values, not " + labels.length + " images × " + storedK + ".");
        }
        if (k > storedK) {
            throw new UserError("--top " + k + " is more than the " + storedK + " predictions stored per image in " + source
                    + "; extract again with --topk " + k + " or use --top " + storedK + ".");
        }
        int n = labels.length;
        int[] c = new int[n * k], o = new int[n * k];
        int m = 0;
        for (int i = 0; i < n; i++) {
            int t = labels[i];
            if (t < 0 || t >= classes.size()) {
                throw new UserError(source + ": image " + i + " has label " + t + ", outside the " + classes.size() + " classes.");
            }
            for (int j = 0; j < k; j++) {
                int p = topk[i * storedK + j];
                if (p < 0) continue;
                if (p >= contextSize) throw new UserError(source + ": image " + i + " has prediction " + p + ", outside the " + contextSize + " classes.");
                c[m] = t;
                o[m] = p;
                m++;
            }
        }
        if (m == 0) throw new UserError(source + " gives no (true, predicted) pair: no prediction names one of the dataset's classes.");
        return new ConfusionPairs(java.util.Arrays.copyOf(c, m), java.util.Arrays.copyOf(o, m), classes, contextSize, n, k, source);
    }

    /** Pairs from a run written by {@code imvec extract --topk K}. */
    public static ConfusionPairs fromRun(Path run, int k) {
        Manifest m = Manifest.read(run);
        if (m.topk() == null || m.topk().indices() == null) {
            throw new UserError(run + " has no top-k predictions; extract it again with --topk " + Math.max(k, 1) + ".");
        }
        Npy.Array a = Npy.read(run.resolve(m.topk().indices()));
        if (a.ints() == null || a.shape().length != 2) {
            throw new UserError(run.resolve(m.topk().indices()) + " is not an N × K integer matrix.");
        }
        int[] labels = Npy.readInts(run.resolve(m.labels()));
        if (labels.length != a.shape()[0]) {
            throw new UserError(run + " has " + labels.length + " labels but " + a.shape()[0] + " rows of top-k predictions.");
        }
        List<String> classes = m.classNames();
        int contextSize = classes.size();
        if (!"dataset".equals(m.topk().space())) {
            // Model indices without a class list: the model's outputs are the prediction vocabulary.
            int max = 0;
            for (int v : a.ints()) max = Math.max(max, v);
            contextSize = Math.max(contextSize, max + 1);
        }
        return of(labels, a.ints(), (int) a.shape()[1], k, classes, contextSize, run.toString());
    }
}
