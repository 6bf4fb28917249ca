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
     * Four inner indices per pass means each load and store of {@code g} feeds four multiply-adds;
     * on AVX2 this measured ~1.6× faster than two rows × two indices, which spills registers.
     */
    static void multiplyAdd(double[][] a, double[][] t, double[][] g,
                            int r0, int r1, int k0, int k1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            double[] gi = g[i], ai = a[i];
            int k = k0;
            for (; k + 3 < k1; k += 4) {
                double[] t0 = t[k], t1 = t[k + 1], t2 = t[k + 2], t3 = t[k + 3];
                double x0 = ai[k], x1 = ai[k + 1], x2 = ai[k + 2], x3 = ai[k + 3];
                for (int c = c0; c < c1; c++) {
                    gi[c] += (x0 * t0[c] + x1 * t1[c]) + (x2 * t2[c] + x3 * t3[c]);
                }
            }
            for (; k < k1; k++) {
                double[] t0 = t[k];
                double x = ai[k];
                for (int c = c0; c < c1; c++) gi[c] += x * t0[c];
            }
        }
    }

    /**
     * Whether the JVM runs with the incubating Vector API ({@code --add-modules jdk.incubator.vector},
     * which the {@code imvec} launcher and the tests pass): then the single-precision product uses
     * {@link VectorKernels}, else the auto-vectorised loop below. Both give the same sums up to rounding.
     */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !Boolean.getBoolean("imvec.noVectorApi");

    /** The single-precision form of {@link #multiplyAdd(double[][], double[][], double[][], int, int, int, int, int, int)}. */
    static void multiplyAdd(float[][] a, float[][] t, float[][] g,
                            int r0, int r1, int k0, int k1, int c0, int c1) {
        if (VECTOR_API) {
            VectorKernels.multiplyAdd(a, t, g, r0, r1, k0, k1, c0, c1);
        } else {
            multiplyAddScalar(a, t, g, r0, r1, k0, k1, c0, c1);
        }
    }

    /** The single-precision product as a plain loop the JIT vectorises: twice the lanes of double. */
    static void multiplyAddScalar(float[][] a, float[][] t, float[][] g,
                                  int r0, int r1, int k0, int k1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            float[] gi = g[i], ai = a[i];
            int k = k0;
            for (; k + 3 < k1; k += 4) {
                float[] t0 = t[k], t1 = t[k + 1], t2 = t[k + 2], t3 = t[k + 3];
                float x0 = ai[k], x1 = ai[k + 1], x2 = ai[k + 2], x3 = ai[k + 3];
                for (int c = c0; c < c1; c++) {
                    gi[c] += (x0 * t0[c] + x1 * t1[c]) + (x2 * t2[c] + x3 * t3[c]);
                }
            }
            for (; k < k1; k++) {
                float[] t0 = t[k];
                float x = ai[k];
                for (int c = c0; c < c1; c++) gi[c] += x * t0[c];
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
