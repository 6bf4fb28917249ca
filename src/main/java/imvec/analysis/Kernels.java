package imvec.analysis;

/**
 * Dense double-precision products written as row updates ({@code g[i] += a[i][k] * t[k]}) rather
 * than dot products: the JIT vectorises these inner loops, and it does not vectorise floating-point
 * reductions, so this form runs several times faster in plain Java.
 */
final class Kernels {
    private Kernels() {
    }

    /**
     * {@code g[i][c0..c1) += sum over k in [k0,k1) of a[i][k] * t[k][c0..c1)} for rows i in [r0,r1).
     * Rows and inner indices go two at a time so each load of {@code t} and {@code g} feeds two
     * multiply-adds.
     */
    static void multiplyAdd(double[][] a, double[][] t, double[][] g,
                            int r0, int r1, int k0, int k1, int c0, int c1) {
        int i = r0;
        for (; i + 1 < r1; i += 2) {
            double[] g0 = g[i], g1 = g[i + 1], a0 = a[i], a1 = a[i + 1];
            int k = k0;
            for (; k + 1 < k1; k += 2) {
                double[] t0 = t[k], t1 = t[k + 1];
                double x00 = a0[k], x01 = a0[k + 1], x10 = a1[k], x11 = a1[k + 1];
                for (int c = c0; c < c1; c++) {
                    double u = t0[c], v = t1[c];
                    g0[c] += x00 * u + x01 * v;
                    g1[c] += x10 * u + x11 * v;
                }
            }
            if (k < k1) {
                double[] t0 = t[k];
                double x0 = a0[k], x1 = a1[k];
                for (int c = c0; c < c1; c++) {
                    g0[c] += x0 * t0[c];
                    g1[c] += x1 * t0[c];
                }
            }
        }
        if (i < r1) {
            double[] g0 = g[i], a0 = a[i];
            for (int k = k0; k < k1; k++) {
                double[] t0 = t[k];
                double x = a0[k];
                for (int c = c0; c < c1; c++) g0[c] += x * t0[c];
            }
        }
    }

    /** {@code y[c0..c1) += s * x[c0..c1)}. */
    static void axpy(double s, double[] x, double[] y, int c0, int c1) {
        for (int c = c0; c < c1; c++) y[c] += s * x[c];
    }

    static double dot(double[] x, double[] y) {
        // Four partial sums break the dependency chain the JIT would otherwise keep serial.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = x.length, i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += x[i] * y[i];
            s1 += x[i + 1] * y[i + 1];
            s2 += x[i + 2] * y[i + 2];
            s3 += x[i + 3] * y[i + 3];
        }
        for (; i < n; i++) s0 += x[i] * y[i];
        return (s0 + s1) + (s2 + s3);
    }
}
