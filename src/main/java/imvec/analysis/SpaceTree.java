package imvec.analysis;

import java.util.Arrays;

/**
 * The Barnes–Hut space-partitioning tree of t-SNE (van der Maaten 2014): a quadtree in 2-D, an
 * octree in 3-D. Cells are square (cubic) and split into 2^dims children; leaves hold up to
 * {@link #LEAF_CAPACITY} points, whose interactions are computed exactly.
 *
 * <p>The tree is rebuilt every iteration into arrays that are kept between builds, so an
 * optimisation allocates nothing per iteration. For the force pass the non-empty cells are laid
 * out again in depth-first order, {@code dims + 4} doubles each (centre of mass, squared width,
 * point count, skip, first leaf point): a cell's first child is the next cell and {@code skip}
 * jumps past its subtree, so a traversal is a forward scan without a stack, and the points of
 * each leaf sit side by side in a copy of the positions.
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
    /** Per laid-out cell: com[0..dims), width², count, skip, first leaf point (−1 for inner cells). */
    private double[] packed;
    private int nodes;
    private int placed;
    /** Positions in leaf order, and where each point went in it. */
    private final double[] sortedY;
    private final int[] position;

    SpaceTree(int n, int dims) {
        this.n = n;
        this.dims = dims;
        this.fanout = 1 << dims;
        this.stride = dims + 4;
        this.next = new int[n];
        this.order = new int[n];
        this.sortedY = new double[n * dims];
        this.position = new int[n];
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
        if (packed.length < firstChild.length * stride) packed = new double[firstChild.length * stride];
        nodes = 0;
        placed = 0;
        layout(y, 0);
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

    /** Writes cell c and its non-empty subtree in depth-first order (depth ≤ {@link #MAX_DEPTH}). */
    private void layout(double[] y, int c) {
        int me = nodes++;
        int b = me * stride;
        int m = count[c];
        for (int k = 0; k < dims; k++) packed[b + k] = sum[c * dims + k] / m;
        double width = 2 * half[c];
        packed[b + dims] = width * width;
        packed[b + dims + 1] = m;
        if (firstChild[c] < 0) {
            packed[b + dims + 3] = placed;
            for (int p = leafHead[c]; p >= 0; p = next[p]) {
                order[placed] = p;
                position[p] = placed;
                System.arraycopy(y, p * dims, sortedY, placed * dims, dims);
                placed++;
            }
        } else {
            packed[b + dims + 3] = -1;
            for (int ch = firstChild[c]; ch < firstChild[c] + fanout; ch++) {
                if (count[ch] > 0) layout(y, ch);
            }
        }
        packed[b + dims + 2] = nodes;
    }

    /**
     * The repulsive term of point i: writes Σ_j w_ij² (y_i − y_j) into {@code force[off..off+dims)}
     * and returns Σ_j w_ij, with w = 1/(1+d²), summarising a cell by its centre of mass when its
     * width is below theta times its distance.
     */
    double repulsion(int i, double theta2, double[] force, int off) {
        return dims == 2 ? repulsion2(i, theta2, force, off) : repulsion3(i, theta2, force, off);
    }

    private double repulsion2(int i, double theta2, double[] force, int off) {
        final double[] t = packed, ys = sortedY;
        final int self = position[i], end = nodes;
        final double px = ys[2 * self], py = ys[2 * self + 1];
        double z = 0, fx = 0, fy = 0;
        int c = 0;
        while (c < end) {
            int b = c * 6;
            int leaf = (int) t[b + 5];
            if (leaf >= 0) {
                int last = leaf + (int) t[b + 3];
                for (int j = leaf; j < last; j++) {
                    if (j == self) continue;
                    double ex = px - ys[2 * j], ey = py - ys[2 * j + 1];
                    double w = 1 / (1 + ex * ex + ey * ey);
                    z += w;
                    w *= w;
                    fx += w * ex;
                    fy += w * ey;
                }
                c = (int) t[b + 4];
                continue;
            }
            double dx = px - t[b], dy = py - t[b + 1];
            double d2 = dx * dx + dy * dy;
            if (t[b + 2] < theta2 * d2) {
                double w = 1 / (1 + d2);
                double m = t[b + 3] * w;
                z += m;
                m *= w;
                fx += m * dx;
                fy += m * dy;
                c = (int) t[b + 4];
            } else {
                c++;
            }
        }
        force[off] = fx;
        force[off + 1] = fy;
        return z;
    }

    private double repulsion3(int i, double theta2, double[] force, int off) {
        final double[] t = packed, ys = sortedY;
        final int self = position[i], end = nodes;
        final double px = ys[3 * self], py = ys[3 * self + 1], pz = ys[3 * self + 2];
        double z = 0, fx = 0, fy = 0, fz = 0;
        int c = 0;
        while (c < end) {
            int b = c * 7;
            int leaf = (int) t[b + 6];
            if (leaf >= 0) {
                int last = leaf + (int) t[b + 4];
                for (int j = leaf; j < last; j++) {
                    if (j == self) continue;
                    double ex = px - ys[3 * j], ey = py - ys[3 * j + 1], ez = pz - ys[3 * j + 2];
                    double w = 1 / (1 + ex * ex + ey * ey + ez * ez);
                    z += w;
                    w *= w;
                    fx += w * ex;
                    fy += w * ey;
                    fz += w * ez;
                }
                c = (int) t[b + 5];
                continue;
            }
            double dx = px - t[b], dy = py - t[b + 1], dz = pz - t[b + 2];
            double d2 = dx * dx + dy * dy + dz * dz;
            if (t[b + 3] < theta2 * d2) {
                double w = 1 / (1 + d2);
                double m = t[b + 4] * w;
                z += m;
                m *= w;
                fx += m * dx;
                fy += m * dy;
                fz += m * dz;
                c = (int) t[b + 5];
            } else {
                c++;
            }
        }
        force[off] = fx;
        force[off + 1] = fy;
        force[off + 2] = fz;
        return z;
    }
}
