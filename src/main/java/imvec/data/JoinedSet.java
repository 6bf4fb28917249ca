package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.util.List;

/**
 * Data sets named by specs joined with {@code +} (e.g. {@code fashion-mnist:train+fashion-mnist:test},
 * as the explorer's runs take them), read as one; they must share their class list, so label k
 * means the same class throughout.
 */
final class JoinedSet implements ImageSet {
    private final String spec;
    private final List<ImageSet> parts;
    private final int[] starts;

    private JoinedSet(String spec, List<ImageSet> parts) {
        this.spec = spec;
        this.parts = parts;
        this.starts = new int[parts.size() + 1];
        for (int i = 0; i < parts.size(); i++) starts[i + 1] = starts[i] + parts.get(i).size();
    }

    /** Joins {@code parts}, which {@code spec} names; throws when their class lists differ. */
    static ImageSet of(String spec, List<ImageSet> parts) {
        for (ImageSet p : parts) {
            if (!p.classes().equals(parts.get(0).classes())) {
                throw new UserError("the joined data sets of '" + spec + "' have different class lists; join only splits of one data set.");
            }
        }
        return new JoinedSet(spec, List.copyOf(parts));
    }

    private int part(int index) {
        if (index < 0 || index >= starts[parts.size()]) throw new IndexOutOfBoundsException(index);
        int p = 0;
        while (starts[p + 1] <= index) p++;
        return p;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return starts[parts.size()];
    }

    @Override
    public List<String> classes() {
        return parts.get(0).classes();
    }

    @Override
    public int label(int index) {
        int p = part(index);
        return parts.get(p).label(index - starts[p]);
    }

    @Override
    public String id(int index) {
        int p = part(index);
        return parts.get(p).id(index - starts[p]);
    }

    @Override
    public Image read(int index) throws IOException {
        int p = part(index);
        return parts.get(p).read(index - starts[p]);
    }

    @Override
    public Image read(int index, int minWidth, int minHeight) throws IOException {
        int p = part(index);
        return parts.get(p).read(index - starts[p], minWidth, minHeight);
    }

    @Override
    public void readInto(int index, Preprocess pre, float[] dst, int offset) throws IOException {
        int p = part(index);
        parts.get(p).readInto(index - starts[p], pre, dst, offset);
    }
}
