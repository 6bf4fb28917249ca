package imvec.util;

/** Conversions between the double matrices the decompositions return and the float rows we store. */
public final class Matrices {
    private Matrices() {
    }

    public static float[][] toFloat(double[][] a) {
        float[][] f = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            f[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) f[i][j] = (float) a[i][j];
        }
        return f;
    }
}
