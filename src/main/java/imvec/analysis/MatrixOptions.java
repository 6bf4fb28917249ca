package imvec.analysis;

import imvec.util.UserError;

/**
 * The options every analysis of a feature matrix takes (worker threads, and what to call the
 * matrix in error messages), and the input check they share: PCA, silhouette and t-SNE builders
 * extend it, so all three reject a bad matrix with the same sentences.
 *
 * @param <B> the concrete builder, returned by each setter so calls chain
 */
public abstract class MatrixOptions<B extends MatrixOptions<B>> {
    private int threads = 0;
    private String inputName = "the feature matrix";

    protected MatrixOptions() {
    }

    /** Worker threads; 0 (default) uses all cores. */
    public B optThreads(int threads) {
        this.threads = imvec.util.Parallel.checkThreads(threads);
        return self();
    }

    /** What to call the input in error messages, e.g. a layer file name. */
    public B optInputName(String name) {
        this.inputName = name;
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    int threads() {
        return threads;
    }

    String inputName() {
        return inputName;
    }

    /**
     * Checks that {@code x} is a rectangular matrix of finite values with at least {@code least}
     * rows, for {@code analysis}; returns its column count.
     */
    static int checkRows(float[][] x, int least, String inputName, String analysis) {
        int d = Inputs.checkMatrix(x, inputName, analysis);
        if (x.length < least) {
            throw new UserError(analysis + " needs at least " + least + " rows; " + inputName + " has " + x.length + ".");
        }
        return d;
    }
}
