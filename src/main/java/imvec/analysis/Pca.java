package imvec.analysis;

import imvec.util.Parallel;
import imvec.util.UserError;

/**
 * Principal component analysis with scikit-learn's conventions: rows are centred on their mean,
 * explained variance uses N−1, the ratio divides by the total variance of all columns, and each
 * component's sign makes the largest-magnitude coordinate along it positive (sklearn's
 * {@code svd_flip}), so coordinates match sklearn's exactly rather than up to sign.
 *
 * <p>The eigenproblem is solved on the smaller side: the D×D covariance when N ≥ D, the N×N Gram
 * matrix of centred rows when D > N (e.g. 1,000 flattened 37,632-value feature maps). When both
 * sides exceed {@link #DENSE_LIMIT} neither matrix is formed and subspace iteration runs on the
 * data directly.
 */
public final class Pca {
    /** Largest covariance or Gram matrix side that is formed explicitly (8192² doubles = 512 MB). */
    public static final int DENSE_LIMIT = 8192;

    /** How to find the top eigenvectors. */
    public enum Solver {
        /** Full decomposition for small problems or many components, subspace iteration otherwise. */
        AUTO,
        /** Always a full symmetric eigendecomposition (slow beyond ~1,500). */
        EXACT,
        /** Always subspace iteration, to a residual of 1e-12 of the top eigenvalue. */
        ITERATIVE
    }

    private final int components;
    private final boolean normalizeRows;
    private final Solver solver;
    private final long seed;
    private final int threads;
    private final String inputName;
    private final int denseLimit;

    private Pca(Builder b) {
        this.components = b.components;
        this.normalizeRows = b.normalizeRows;
        this.solver = b.solver;
        this.seed = b.seed;
        this.threads = b.threads();
        this.inputName = b.inputName();
        this.denseLimit = b.denseLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Times one fit for benchmarks ({@code imvec bench}); the result value is the first
     * component's explained variance ratio.
     *
     * @param threads worker threads, 0 for all cores
     */
    public static Timing time(float[][] x, int components, int threads) {
        Pca pca = builder().optComponents(components).optThreads(threads).build();
        long start = System.nanoTime();
        Result r = pca.fit(x);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Timing("pca k=" + components, x.length, x[0].length,
                threads > 0 ? threads : Parallel.cores(), seconds, r.explainedVarianceRatio()[0]);
    }

    /** PCA with default options apart from k: no row normalisation. */
    public static Result fit(float[][] x, int components) {
        return builder().optComponents(components).build().fit(x);
    }

    /**
     * A fitted PCA. {@code components} is k × D (unit rows), {@code coordinates} N × k (the fitted
     * rows projected), {@code mean} the centre that was subtracted (after row normalisation, when
     * on). Arrays are shared, not copied.
     */
    public record Result(double[] mean, double[][] components, double[] explainedVariance,
                         double[] explainedVarianceRatio, double totalVariance, double[][] coordinates,
                         boolean normalizedRows, String method) {
        public int dims() {
            return components.length;
        }

        /** Projects new rows the same way the fitted rows were (normalise, centre, project). */
        public double[][] transform(float[][] x) {
            Inputs.checkMatrix(x, "the rows to project", "PCA");
            if (x[0].length != mean.length) {
                throw new UserError("cannot project rows of " + x[0].length + " values with a PCA fitted on "
                        + mean.length + ".");
            }
            RowView view = new RowView(x, normalizedRows ? Inputs.inverseNorms(x) : null, mean);
            return project(view, components);
        }
    }

    public static final class Builder extends MatrixOptions<Builder> {
        private int components = 2;
        private boolean normalizeRows = false;
        private Solver solver = Solver.AUTO;
        private long seed = 42;
        private int denseLimit = DENSE_LIMIT;

        private Builder() {
        }

        /** Number of components k ≥ 1 (default 2). */
        public Builder optComponents(int k) {
            if (k < 1) throw new UserError("PCA needs at least 1 component; got " + k + ".");
            this.components = k;
            return this;
        }

        /** Scale each row to unit L2 norm before centring (default off); all-zero rows stay zero. */
        public Builder optNormalizeRows(boolean on) {
            this.normalizeRows = on;
            return this;
        }

        public Builder optSolver(Solver solver) {
            this.solver = solver;
            return this;
        }

        /** Seed for the start block of subspace iteration (default 42). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Lowers {@link #DENSE_LIMIT} so tests can reach the matrix-free path on small data. */
        Builder optDenseLimit(int limit) {
            this.denseLimit = limit;
            return this;
        }

        public Pca build() {
            return new Pca(this);
        }
    }

    /** Fits on N × D rows. */
    public Result fit(float[][] x) {
        int d = MatrixOptions.checkRows(x, 2, inputName, "PCA");
        int n = x.length;
        int most = Math.min(n, d);
        if (components > most) {
            throw new UserError("PCA cannot find " + components + " components in " + inputName + ": it has "
                    + n + " rows and " + d + " columns, so at most " + most + ".");
        }
        return Parallel.call(threads, () -> fitChecked(x, n, d));
    }

    /** Eigenvalues (sums of squares along each component), components, scores and the total sum of squares. */
    private record Spectrum(double[] values, double[][] components, double[][] scores, double totalSquares,
                            String method) {
    }

    private Result fitChecked(float[][] x, int n, int d) {
        double[] scale = normalizeRows ? Inputs.inverseNorms(x) : null;
        double[] mean = Inputs.columnMeans(x, scale);
        RowView view = new RowView(x, scale, mean);
        Spectrum s;
        if (Math.min(n, d) > denseLimit) s = viaData(view);
        else if (d <= n) s = viaCovariance(view);
        else s = viaGram(view);
        if (s.totalSquares() <= 0) {
            throw new UserError("PCA has no variance to explain: every row of " + inputName + " is the same.");
        }
        flipSigns(s.scores(), s.components());
        double[] variance = new double[components];
        double[] ratio = new double[components];
        double total = s.totalSquares() / (n - 1);
        for (int c = 0; c < components; c++) {
            variance[c] = Math.max(0, s.values()[c]) / (n - 1);
            ratio[c] = variance[c] / total;
        }
        return new Result(mean, s.components(), variance, ratio, total, s.scores(), normalizeRows, s.method());
    }

    private Spectrum viaCovariance(RowView view) {
        double[][] cov = Gram.ofColumns(view);
        TopEigen.Pairs p = solve(cov);
        return new Spectrum(p.values(), p.vectors(), project(view, p.vectors()), trace(cov),
                "covariance " + view.d + "×" + view.d + ", " + p.method());
    }

    /** D > N: eigenvectors u of the Gram matrix give scores u·√λ and components Xcᵀu/√λ. */
    private Spectrum viaGram(RowView view) {
        double[][] gram = Gram.ofRows(view);
        TopEigen.Pairs p = solve(gram);
        double[][] scores = new double[view.n][components];
        for (int c = 0; c < components; c++) {
            double s = Math.sqrt(Math.max(0, p.values()[c]));
            for (int r = 0; r < view.n; r++) scores[r][c] = p.vectors()[c][r] * s;
        }
        double[][] comps = Gram.rowCombinations(view, p.vectors());
        // ‖Xcᵀu‖ = √λ in exact arithmetic; dividing by the computed norm keeps rows unit length.
        for (double[] v : comps) {
            double norm = Math.sqrt(Kernels.dot(v, v));
            if (norm > 0) for (int i = 0; i < v.length; i++) v[i] /= norm;
        }
        completeNullComponents(comps, p.values());
        return new Spectrum(p.values(), comps, scores, trace(gram),
                "Gram " + view.n + "×" + view.n + ", " + p.method());
    }

    /** Both sides too large to form: iterate with Xcᵀ(Xc v) straight from the rows. */
    private Spectrum viaData(RowView view) {
        TopEigen.Pairs p = TopEigen.iterate(Gram.covarianceOperator(view), components, seed, 1000);
        if (p == null) {
            throw new UserError("PCA on " + inputName + " (" + view.n + "×" + view.d + ") did not converge; "
                    + "reduce the data or ask for fewer components.");
        }
        return new Spectrum(p.values(), p.vectors(), project(view, p.vectors()), Gram.totalSquares(view),
                "data operator, " + p.method());
    }

    private TopEigen.Pairs solve(double[][] s) {
        TopEigen.Pairs p = switch (solver) {
            case EXACT -> TopEigen.exact(s, components);
            case ITERATIVE -> TopEigen.iterate(TopEigen.dense(s), components, seed, 2000);
            case AUTO -> TopEigen.of(s, components, seed);
        };
        if (p == null) {
            throw new UserError("PCA on " + inputName + " did not converge: its top " + components
                    + " variances are too close together; ask for fewer components or use the exact solver.");
        }
        return p;
    }

    /**
     * Directions with (numerically) zero variance have no defined Xcᵀu/√λ; any orthonormal
     * completion is as valid as sklearn's, so take unit vectors made orthogonal to the rest.
     */
    private static void completeNullComponents(double[][] comps, double[] values) {
        double top = Math.max(values[0], 0);
        int next = 0;
        for (int c = 0; c < comps.length; c++) {
            if (values[c] > 1e-9 * top && top > 0) continue;
            while (true) {
                double[] e = new double[comps[c].length];
                e[next++] = 1;
                for (int pass = 0; pass < 2; pass++) {
                    for (int j = 0; j < comps.length; j++) {
                        if (j == c || (j > c && !(values[j] > 1e-9 * top))) continue;
                        Kernels.axpy(-Kernels.dot(comps[j], e), comps[j], e, 0, e.length);
                    }
                }
                double norm = Math.sqrt(Kernels.dot(e, e));
                if (norm > 0.5) {
                    for (int i = 0; i < e.length; i++) e[i] /= norm;
                    comps[c] = e;
                    break;
                }
            }
        }
    }

    /** sklearn's svd_flip on U: the largest-magnitude score of each component (first on ties) is positive. */
    static void flipSigns(double[][] scores, double[][] comps) {
        for (int c = 0; c < comps.length; c++) {
            int arg = 0;
            double best = -1;
            for (int r = 0; r < scores.length; r++) {
                double a = Math.abs(scores[r][c]);
                if (a > best) {
                    best = a;
                    arg = r;
                }
            }
            if (scores[arg][c] < 0) {
                for (double[] row : scores) row[c] = -row[c];
                for (int i = 0; i < comps[c].length; i++) comps[c][i] = -comps[c][i];
            }
        }
    }

    /** N × k coordinates of the view's rows on unit components, a block of rows at a time. */
    static double[][] project(RowView view, double[][] comps) {
        int k = comps.length, d = view.d, block = 128;
        double[][] out = new double[view.n][k];
        double[][] compsT = new double[d][k];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < d; i++) compsT[i][c] = comps[c][i];
        }
        Parallel.forEach((view.n + block - 1) / block, b -> {
            int r0 = b * block, rows = Math.min(block, view.n - r0);
            double[][] x = new double[rows][d];
            for (int i = 0; i < rows; i++) view.row(r0 + i, x[i]);
            double[][] part = new double[rows][k];
            Kernels.multiplyAdd(x, compsT, part, 0, rows, 0, d, 0, k);
            for (int i = 0; i < rows; i++) out[r0 + i] = part[i];
        });
        return out;
    }

    private static double trace(double[][] s) {
        double t = 0;
        for (int i = 0; i < s.length; i++) t += s[i][i];
        return t;
    }

    @Override
    public String toString() {
        return "Pca{components=" + components + ", normalizeRows=" + normalizeRows + ", solver=" + solver + "}";
    }
}
