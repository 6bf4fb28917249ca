package imvec.analysis;

import java.util.Arrays;

/**
 * The Barnes–Hut space-partitioning tree of t-SNE (van der Maaten 2014): a quadtree in 2-D, an
 * octree in 3-D. Cells are square (cubic) and split into 2^dims children; leaves hold up to
 * {@link #LEAF_CAPACITY} points, whose interactions are computed exactly.
 *
 * <p>The tree is rebuilt every iteration into arrays that are kept between builds, so an
 * optimisation allocates nothing per iteration. For the force pass the cells are packed into one
 * array of {@code dims + 3} doubles each (centre of mass, squared width, point count, child or
 * leaf link), so a visit touches one cache line.
 */
final class SpaceTree {
    static final int LEAF_CAPACITY = 4;
    /** Below this depth identical points stop splitting cells and share a leaf. */
    static final int MAX_DEPTH = 48;

    final int dims;
    private final int fanout;
    private final int stride;
    private final int n;
    private final int[] next;
    private final int[] order;
    private int cells;
    private int[] firstChild;
    private int[] leafHead;
    private int[] leafSize;
    private int[] count;
    private double[] sum;
    private double[] centre;
    private double[] half;
    /** Per cell: com[0..dims), width², count, link (child index ≥ 0, or −1 − first leaf point). */
    private double[] packed;

    SpaceTree(int n, int dims) {
        this.n = n;
        this.dims = dims;
        this.fanout = 1 << dims;
        this.stride = dims + 3;
        this.next = new int[n];
        this.order = new int[n];
        allocate(Math.max(16, 2 * n));
    }

    private void allocate(int capacity) {
        firstChild = new int[capacity];
        leafHead = new int[capacity];
        leafSize = new int[capacity];
        count = new int[capacity];
        sum = new double[capacity * dims];
        centre = new double[capacity * dims];
        half = new double[capacity];
        packed = new double[capacity * stride];
    }

    private void grow() {
        int capacity = firstChild.length * 2;
        firstChild = Arrays.copyOf(firstChild, capacity);
        leafHead = Arrays.copyOf(leafHead, capacity);
        leafSize = Arrays.copyOf(leafSize, capacity);
        count = Arrays.copyOf(count, capacity);
        sum = Arrays.copyOf(sum, capacity * dims);
        centre = Arrays.copyOf(centre, capacity * dims);
        half = Arrays.copyOf(half, capacity);
        packed = new double[capacity * stride];
    }

    int cells() {
        return cells;
    }

    /** Points in depth-first leaf order: neighbours in space are neighbours in this order. */
    int[] order() {
        return order;
    }

    /** Rebuilds the tree over the n points of {@code y} (row-major, {@code dims} per point). */
    void build(double[] y) {
        double[] lo = new double[dims], hi = new double[dims];
        Arrays.fill(lo, Double.POSITIVE_INFINITY);
        Arrays.fill(hi, Double.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dims; k++) {
                double v = y[i * dims + k];
                lo[k] = Math.min(lo[k], v);
                hi[k] = Math.max(hi[k], v);
            }
        }
        double extent = 0;
        for (int k = 0; k < dims; k++) extent = Math.max(extent, hi[k] - lo[k]);
        cells = 0;
        int root = newCell();
        // A hair wider than the points, so the extremes fall strictly inside.
        half[root] = extent / 2 * (1 + 1e-9) + 1e-12;
        for (int k = 0; k < dims; k++) centre[k] = (lo[k] + hi[k]) / 2;
        for (int i = 0; i < n; i++) insert(y, i);
        pack();
        leafOrder();
    }

    private int newCell() {
        if (cells == firstChild.length) grow();
        int c = cells++;
        firstChild[c] = -1;
        leafHead[c] = -1;
        leafSize[c] = 0;
        count[c] = 0;
        for (int k = 0; k < dims; k++) sum[c * dims + k] = 0;
        return c;
    }

    private void insert(double[] y, int i) {
        int c = 0, depth = 0;
        while (true) {
            count[c]++;
            for (int k = 0; k < dims; k++) sum[c * dims + k] += y[i * dims + k];
            if (firstChild[c] < 0) {
                if (leafSize[c] < LEAF_CAPACITY || depth >= MAX_DEPTH) {
                    next[i] = leafHead[c];
                    leafHead[c] = i;
                    leafSize[c]++;
                    return;
                }
                split(y, c);
            }
            c = firstChild[c] + childIndex(y, i, c);
            depth++;
        }
    }

    private int childIndex(double[] y, int i, int c) {
        int index = 0;
        for (int k = 0; k < dims; k++) {
            if (y[i * dims + k] > centre[c * dims + k]) index |= 1 << k;
        }
        return index;
    }

    /** Turns leaf c into an inner cell and moves its points into the new children. */
    private void split(double[] y, int c) {
        int first = cells;
        for (int ch = 0; ch < fanout; ch++) {
            int cell = newCell();
            half[cell] = half[c] / 2;
            for (int k = 0; k < dims; k++) {
                double offset = (ch >> k & 1) == 1 ? half[cell] : -half[cell];
                centre[cell * dims + k] = centre[c * dims + k] + offset;
            }
        }
        firstChild[c] = first;
        for (int p = leafHead[c]; p >= 0; ) {
            int after = next[p];
            int cell = first + childIndex(y, p, c);
            count[cell]++;
            for (int k = 0; k < dims; k++) sum[cell * dims + k] += y[p * dims + k];
            next[p] = leafHead[cell];
            leafHead[cell] = p;
            leafSize[cell]++;
            p = after;
        }
        leafHead[c] = -1;
        leafSize[c] = 0;
    }

    private void pack() {
        if (packed.length < cells * stride) packed = new double[firstChild.length * stride];
        for (int c = 0; c < cells; c++) {
            int b = c * stride;
            int m = count[c];
            for (int k = 0; k < dims; k++) packed[b + k] = m > 0 ? sum[c * dims + k] / m : 0;
            double width = 2 * half[c];
            packed[b + dims] = width * width;
            packed[b + dims + 1] = m;
            packed[b + dims + 2] = firstChild[c] >= 0 ? firstChild[c] : -1 - leafHead[c];
        }
    }

    private void leafOrder() {
        int[] stack = new int[MAX_DEPTH * fanout + fanout + 1];
        int sp = 0, out = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int c = stack[--sp];
            if (count[c] == 0) continue;
            if (firstChild[c] >= 0) {
                for (int ch = fanout - 1; ch >= 0; ch--) stack[sp++] = firstChild[c] + ch;
            } else {
                for (int p = leafHead[c]; p >= 0; p = next[p]) order[out++] = p;
            }
        }
    }

    /** A traversal stack deep enough for this tree. */
    int[] newStack() {
        return new int[MAX_DEPTH * fanout + fanout + 1];
    }

    /**
     * The repulsive term of point i: writes Σ_j w_ij² (y_i − y_j) into {@code force[off..off+dims)}
     * and returns Σ_j w_ij, with w = 1/(1+d²), summarising a cell by its centre of mass when its
     * width is below theta times its distance.
     */
    double repulsion(double[] y, int i, double theta2, double[] force, int off, int[] stack) {
        return dims == 2 ? repulsion2(y, i, theta2, force, off, stack) : repulsion3(y, i, theta2, force, off, stack);
    }

    private double repulsion2(double[] y, int i, double theta2, double[] force, int off, int[] stack) {
        final double[] t = packed;
        final double px = y[2 * i], py = y[2 * i + 1];
        double z = 0, fx = 0, fy = 0;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int b = stack[--sp] * 5;
            double dx = px - t[b], dy = py - t[b + 1];
            double d2 = dx * dx + dy * dy;
            int link = (int) t[b + 4];
            if (link < 0) {
                for (int j = -1 - link; j >= 0; j = next[j]) {
                    if (j == i) continue;
                    double ex = px - y[2 * j], ey = py - y[2 * j + 1];
                    double w = 1 / (1 + ex * ex + ey * ey);
                    z += w;
                    w *= w;
                    fx += w * ex;
                    fy += w * ey;
                }
            } else if (t[b + 2] < theta2 * d2) {
                double w = 1 / (1 + d2);
                double m = t[b + 3] * w;
                z += m;
                m *= w;
                fx += m * dx;
                fy += m * dy;
            } else {
                for (int ch = link; ch < link + 4; ch++) {
                    if (t[ch * 5 + 3] > 0) stack[sp++] = ch;
                }
            }
        }
        force[off] = fx;
        force[off + 1] = fy;
        return z;
    }

    private double repulsion3(double[] y, int i, double theta2, double[] force, int off, int[] stack) {
        final double[] t = packed;
        final double px = y[3 * i], py = y[3 * i + 1], pz = y[3 * i + 2];
        double z = 0, fx = 0, fy = 0, fz = 0;
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int b = stack[--sp] * 6;
            double dx = px - t[b], dy = py - t[b + 1], dz = pz - t[b + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            int link = (int) t[b + 5];
            if (link < 0) {
                for (int j = -1 - link; j >= 0; j = next[j]) {
                    if (j == i) continue;
                    double ex = px - y[3 * j], ey = py - y[3 * j + 1], ez = pz - y[3 * j + 2];
                    double w = 1 / (1 + ex * ex + ey * ey + ez * ez);
                    z += w;
                    w *= w;
                    fx += w * ex;
                    fy += w * ey;
                    fz += w * ez;
                }
            } else if (t[b + 3] < theta2 * d2) {
                double w = 1 / (1 + d2);
                double m = t[b + 4] * w;
                z += m;
                m *= w;
                fx += m * dx;
                fy += m * dy;
                fz += m * dz;
            } else {
                for (int ch = link; ch < link + 8; ch++) {
                    if (t[ch * 6 + 4] > 0) stack[sp++] = ch;
                }
            }
        }
        force[off] = fx;
        force[off + 1] = fy;
        force[off + 2] = fz;
        return z;
    }
}
