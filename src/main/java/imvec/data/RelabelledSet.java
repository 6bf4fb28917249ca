package imvec.data;

import imvec.util.UserError;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Any image set relabelled by a {@code path,label} CSV ({@link LabelsCsv}), such as the labels a
 * person gave in the explorer ({@code RUN/labels.csv}, whose first column holds image ids). It
 * keeps the images the CSV names, in the base set's order, with the CSV's labels, so a labelled
 * selection becomes a data set of its own; its classes are the CSV's labels in name order. Every
 * image the CSV names must be in the base set, so a CSV made for another set fails loudly
 * instead of silently shrinking it. The spec is the base's followed by {@code #labels=FILE},
 * which {@link DataSpecs} reopens, so outputs record where their labels came from.
 */
public final class RelabelledSet implements IndexedView {
    /** How a spec names its labels file; always the spec's last part (before any subset suffix). */
    public static final String FRAGMENT = "#labels=";

    private final ImageSet base;
    private final Path csv;
    private final int[] indices;
    private final int[] labels;
    private final List<String> classes;

    private RelabelledSet(ImageSet base, Path csv, int[] indices, int[] labels, List<String> classes) {
        this.base = base;
        this.csv = csv;
        this.indices = indices;
        this.labels = labels;
        this.classes = classes;
    }

    /** Relabels {@code base} by {@code csv}; a user error names the first line that does not fit. */
    public static RelabelledSet of(ImageSet base, Path csv) {
        List<LabelsCsv.Row> rows = LabelsCsv.read(csv);
        Map<String, Integer> byId = new HashMap<>(base.size() * 2);
        for (int i = 0; i < base.size(); i++) {
            if (byId.put(base.id(i), i) != null) {
                throw new UserError(base.spec() + " holds two images named '" + base.id(i) + "', so a labels CSV cannot tell them apart.");
            }
        }
        long[] indexAndRow = new long[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            LabelsCsv.Row row = rows.get(r);
            Integer index = byId.get(row.path());
            if (index == null) throw notInSet(csv, row, base);
            indexAndRow[r] = ((long) index << 32) | r;
        }
        Arrays.sort(indexAndRow);
        List<String> classes = List.copyOf(new TreeSet<>(rows.stream().map(LabelsCsv.Row::label).toList()));
        int[] indices = new int[rows.size()];
        int[] labels = new int[rows.size()];
        for (int k = 0; k < indexAndRow.length; k++) {
            indices[k] = (int) (indexAndRow[k] >>> 32);
            labels[k] = Collections.binarySearch(classes, rows.get((int) indexAndRow[k]).label());
        }
        return new RelabelledSet(base, csv.toAbsolutePath().normalize(), indices, labels, classes);
    }

    private static UserError notInSet(Path csv, LabelsCsv.Row row, ImageSet base) {
        String example = base.size() == 0 ? "" : "; its images are named like '" + base.id(0) + "'";
        return new UserError(csv + " line " + row.line() + " names " + row.path() + ", which is not an image of "
                + base.spec() + example);
    }

    /** The labels file, absolute. */
    public Path labelsFile() {
        return csv;
    }

    @Override
    public String spec() {
        return base.spec() + FRAGMENT + csv;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public ImageSet base() {
        return base;
    }

    @Override
    public int baseIndex(int index) {
        return indices[index];
    }
}
