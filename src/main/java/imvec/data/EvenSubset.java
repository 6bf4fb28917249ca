package imvec.data;

import java.io.IOException;
import java.util.List;

/**
 * {@code n} images spread evenly over a set (image {@code floor(i · size / n)} for i &lt; n).
 * Folder sets list images class by class, so the first n would all be one class; an even
 * spread keeps every class in a small, deterministic sample.
 */
public record EvenSubset(ImageSet base, int n) implements ImageSet {
    public static ImageSet of(ImageSet base, int n) {
        return n <= 0 || n >= base.size() ? base : new EvenSubset(base, n);
    }

    private int index(int i) {
        return (int) ((long) i * base.size() / n);
    }

    @Override
    public String spec() {
        return base.spec() + "[spread " + n + "]";
    }

    @Override
    public int size() {
        return n;
    }

    @Override
    public List<String> classes() {
        return base.classes();
    }

    @Override
    public int label(int index) {
        return base.label(index(index));
    }

    @Override
    public String id(int index) {
        return base.id(index(index));
    }

    @Override
    public Image read(int index) throws IOException {
        return base.read(index(index));
    }
}
