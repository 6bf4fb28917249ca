package imvec.explore;

import imvec.data.DataSpecs;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Data sets named by specs joined with {@code +} (as {@code imvec bench} takes them), read as one;
 * they must share their class list, so label k means the same class throughout.
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

    /** Opens {@code spec}, which may join several specs with {@code +}. */
    static ImageSet open(String spec, Path labelsCsv) {
        if (!spec.contains("+")) return DataSpecs.open(spec, labelsCsv);
        List<ImageSet> parts = new ArrayList<>();
        for (String one : spec.split("\\+")) parts.add(DataSpecs.open(one.strip(), labelsCsv));
        for (ImageSet p : parts) {
            if (!p.classes().equals(parts.get(0).classes())) {
                throw new UserError("the joined data sets of '" + spec + "' have different class lists; join only splits of one data set.");
            }
        }
        return new JoinedSet(spec, parts);
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
}
