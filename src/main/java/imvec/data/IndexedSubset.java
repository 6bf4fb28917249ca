package imvec.data;

import java.util.List;
import java.util.stream.IntStream;

/**
 * The images of a set at chosen indices: its first n, an even spread, or a held-out split;
 * {@code part} names it in the spec.
 */
public record IndexedSubset(ImageSet base, int[] indices, String part) implements IndexedView {
    /** The first {@code n} images (for benchmarks and quick looks); the whole set when n ≤ 0 or n ≥ its size. */
    public static ImageSet head(ImageSet base, int n) {
        return n <= 0 || n >= base.size() ? base : new IndexedSubset(base, IntStream.range(0, n).toArray(), ":" + n);
    }

    /**
     * {@code n} images spread evenly over a set (image {@code floor(i · size / n)} for i &lt; n).
     * Folder sets list images class by class, so the first n would all be one class; an even
     * spread keeps every class in a small, deterministic sample.
     */
    public static ImageSet spread(ImageSet base, int n) {
        if (n <= 0 || n >= base.size()) return base;
        int[] indices = IntStream.range(0, n).map(i -> (int) ((long) i * base.size() / n)).toArray();
        return new IndexedSubset(base, indices, "spread " + n);
    }

    /**
     * Splits off every {@code k}-th image (indices k−1, 2k−1, …) as a test part and keeps the rest
     * for training: deterministic, and every class of a class-sorted folder lands in both.
     */
    public static ImageSet[] holdout(ImageSet base, int k) {
        int[] test = IntStream.range(0, base.size()).filter(i -> i % k == k - 1).toArray();
        int[] train = IntStream.range(0, base.size()).filter(i -> i % k != k - 1).toArray();
        return new ImageSet[] {new IndexedSubset(base, train, "train, every " + k + "th held out"),
                new IndexedSubset(base, test, "every " + k + "th, held out")};
    }

    @Override
    public String spec() {
        return base.spec() + "[" + part + "]";
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<String> classes() {
        return base.classes();
    }

    @Override
    public int label(int index) {
        return base.label(indices[index]);
    }

    @Override
    public int baseIndex(int index) {
        return indices[index];
    }
}
