package imvec.analysis;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VectorKernelsTest {
    /** Ragged shapes exercise the 4-row blocks, the leftover rows and the columns past the last vector pair. */
    @Test
    void simdProductEqualsThePlainLoopOnRaggedShapes() {
        Assumptions.assumeTrue(Kernels.VECTOR_API, "the JVM runs without --add-modules jdk.incubator.vector; skipping");
        Random r = new Random(3);
        for (int[] shape : new int[][]{{7, 37, 45}, {128, 256, 128}, {3, 5, 100}, {9, 70, 31}}) {
            int rows = shape[0], inner = shape[1], cols = shape[2];
            float[][] a = new float[rows][inner], t = new float[inner][cols];
            for (float[] x : a) for (int k = 0; k < inner; k++) x[k] = (float) r.nextGaussian();
            for (float[] x : t) for (int c = 0; c < cols; c++) x[c] = (float) r.nextGaussian();
            float[][] simd = new float[rows][cols], plain = new float[rows][cols];
            VectorKernels.multiplyAdd(a, t, simd, 0, rows, 2, inner, 1, cols);
            Kernels.multiplyAddScalar(a, t, plain, 0, rows, 2, inner, 1, cols);
            for (int i = 0; i < rows; i++) {
                assertThat(simd[i][0]).isZero();
                for (int c = 1; c < cols; c++) {
                    double exact = 0;
                    for (int k = 2; k < inner; k++) exact += (double) a[i][k] * t[k][c];
                    assertThat((double) simd[i][c]).as("row %d col %d of %s", i, c, java.util.Arrays.toString(shape))
                            .isCloseTo(exact, within(1e-4 * Math.sqrt(inner)));
                    assertThat(simd[i][c]).isCloseTo(plain[i][c], within(1e-4f * (float) Math.sqrt(inner)));
                }
            }
        }
    }
}
