package imvec.analysis;

/**
 * Arithmetic on one image's region embeddings: P locations, each k blocks of d values, laid out
 * location by location (P × k × d, C order), as a spatial head's 1×1 convolution gives them.
 * Blocks are compared with words by cosine, so every measure here first scales each block to
 * unit length; a block that is exactly zero stays zero.
 */
public final class RegionVectors {
    private RegionVectors() {
    }

    /**
     * The diversity of an image's regions: for each block b, the mean squared distance of the P
     * unit location vectors u_{p,b} to their mean ū_b, averaged over the k blocks:
     * (1/k) Σ_b (1/P) Σ_p ‖u_{p,b} − ū_b‖². For unit vectors this is 1 − ‖ū_b‖² averaged over
     * blocks, so it lies in [0, 1]: 0 when every location embeds alike, 0.5 for two equal halves
     * with orthogonal embeddings, near 1 when the locations point every which way.
     *
     * @param values P × k × d values starting at {@code offset}
     */
    public static double diversity(float[] values, int offset, int locations, int blocks, int dims) {
        if (locations < 1 || blocks < 1 || dims < 1) {
            throw new IllegalArgumentException("need at least one location, block and dim; got " + locations + ", " + blocks + ", " + dims);
        }
        int stride = blocks * dims;
        double[] unit = new double[locations * dims];
        double total = 0;
        for (int b = 0; b < blocks; b++) {
            double[] mean = new double[dims];
            for (int p = 0; p < locations; p++) {
                unitBlock(values, offset + p * stride + b * dims, dims, unit, p * dims);
                for (int j = 0; j < dims; j++) mean[j] += unit[p * dims + j];
            }
            for (int j = 0; j < dims; j++) mean[j] /= locations;
            double squares = 0;
            for (int p = 0; p < locations; p++) {
                for (int j = 0; j < dims; j++) {
                    double diff = unit[p * dims + j] - mean[j];
                    squares += diff * diff;
                }
            }
            total += squares / locations;
        }
        return total / blocks;
    }

    /**
     * One location's k·d vector with every block scaled to unit length, written to {@code out}
     * from {@code outOffset}: the rows a PCA of region embeddings sees, so that each block weighs
     * alike and only directions (what a cosine with a word reads) count.
     */
    public static void unitBlocks(float[] values, int offset, int blocks, int dims, float[] out, int outOffset) {
        double[] tmp = new double[dims];
        for (int b = 0; b < blocks; b++) {
            unitBlock(values, offset + b * dims, dims, tmp, 0);
            for (int j = 0; j < dims; j++) out[outOffset + b * dims + j] = (float) tmp[j];
        }
    }

    private static void unitBlock(float[] values, int from, int dims, double[] out, int to) {
        double s = 0;
        for (int j = 0; j < dims; j++) s += (double) values[from + j] * values[from + j];
        double inv = s > 0 ? 1 / Math.sqrt(s) : 0;
        for (int j = 0; j < dims; j++) out[to + j] = values[from + j] * inv;
    }
}
