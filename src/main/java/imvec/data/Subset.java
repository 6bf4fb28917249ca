package imvec.data;

import java.io.IOException;
import java.util.List;

/** The first {@code n} images of a set (for benchmarks and quick looks). */
public record Subset(ImageSet base, int n) implements ImageSet {
    public static ImageSet head(ImageSet base, int n) {
        return n <= 0 || n >= base.size() ? base : new Subset(base, n);
    }

    @Override
    public String spec() {
        return base.spec() + "[:" + n + "]";
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
        return base.label(index);
    }

    @Override
    public String id(int index) {
        return base.id(index);
    }

    @Override
    public Image read(int index) throws IOException {
        return base.read(index);
    }
}
