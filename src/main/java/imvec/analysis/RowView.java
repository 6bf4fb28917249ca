package imvec.analysis;

/**
 * Rows of a float matrix as doubles after an optional per-row scale and per-column shift:
 * {@code x[r][c] * scale[r] - shift[c]}. Lets PCA and silhouette centre or normalise on the fly
 * instead of keeping a second, double-sized copy of the data.
 */
final class RowView {
    final float[][] x;
    final int n;
    final int d;
    private final double[] scale;
    private final double[] shift;

    RowView(float[][] x, double[] scale, double[] shift) {
        this.x = x;
        this.n = x.length;
        this.d = x[0].length;
        this.scale = scale;
        this.shift = shift;
    }

    /** Writes columns [c0,c1) of row r into {@code out[off..]}. */
    void row(int r, int c0, int c1, double[] out, int off) {
        float[] row = x[r];
        double s = scale == null ? 1 : scale[r];
        if (shift == null) {
            for (int c = c0; c < c1; c++) out[off + c - c0] = s * row[c];
        } else {
            for (int c = c0; c < c1; c++) out[off + c - c0] = s * row[c] - shift[c];
        }
    }

    void row(int r, double[] out) {
        row(r, 0, d, out, 0);
    }

    double squaredNorm(int r, double[] scratch) {
        row(r, scratch);
        return Kernels.dot(scratch, scratch);
    }
}
