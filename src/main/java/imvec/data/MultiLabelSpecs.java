package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens a {@link MultiLabelSet} from a one-line spec, the sibling of {@link DataSpecs}:
 * <ul>
 *   <li>{@code multilabel:CSV[#masks=DIR][#classes=FILE]}: a {@code path,labels} CSV (see
 *   {@link MultiLabelCsvSet}). Without {@code #classes}, a {@code classes.txt} beside the CSV is the
 *   class table; without {@code #masks}, a {@code masks} folder beside the CSV holds the masks
 *   ({@code #masks=none} reads no masks). This is the layout {@code imvec scenes mosaic} writes.</li>
 *   <li>any {@link DataSpecs} spec: a single-label set read as one label per image, without masks.</li>
 * </ul>
 */
public final class MultiLabelSpecs {
    public static final String SYNTAX = "multilabel:CSV[#masks=DIR|none][#classes=FILE], or any single-label spec ("
            + DataSpecs.SYNTAX + ")";
    private static final String SCHEME = "multilabel:";

    private MultiLabelSpecs() {
    }

    public static MultiLabelSet open(String spec) {
        if (spec == null || spec.isBlank()) throw new UserError("no data spec given; use " + SYNTAX);
        if (!spec.startsWith(SCHEME)) return new SingleLabels(DataSpecs.open(spec, null));
        String[] parts = spec.substring(SCHEME.length()).split("#", -1);
        if (parts[0].isBlank()) throw new UserError("data spec '" + spec + "' names no CSV; use " + SYNTAX);
        Path csv = path(parts[0]);
        Path folder = csv.toAbsolutePath().getParent();
        Path classes = null, masks = null;
        boolean noMasks = false, masksGiven = false;
        for (int i = 1; i < parts.length; i++) {
            String option = parts[i];
            int eq = option.indexOf('=');
            String key = eq < 0 ? option : option.substring(0, eq), value = eq < 0 ? "" : option.substring(eq + 1);
            if (value.isBlank()) throw new UserError("data spec '" + spec + "': #" + key + " needs a value, as in #" + key + "=PATH");
            switch (key) {
                case "classes" -> classes = folder.resolve(path(value));
                case "masks" -> {
                    masksGiven = true;
                    if (value.equals("none")) noMasks = true;
                    else masks = folder.resolve(path(value));
                }
                default -> throw new UserError("data spec '" + spec + "' has an unknown option #" + key + "; use " + SYNTAX);
            }
        }
        if (classes == null && Files.isRegularFile(folder.resolve("classes.txt"))) classes = folder.resolve("classes.txt");
        if (!masksGiven && Files.isDirectory(folder.resolve("masks"))) masks = folder.resolve("masks");
        return MultiLabelCsvSet.open(spec, csv, classes, noMasks ? null : masks);
    }

    private static Path path(String text) {
        String expanded = text.equals("~") || text.startsWith("~/") ? System.getProperty("user.home") + text.substring(1) : text;
        try {
            return Path.of(expanded);
        } catch (InvalidPathException e) {
            throw new UserError("'" + text + "' is not a valid path (" + e.getReason() + ")", e);
        }
    }

    /** A single-label set seen as a multi-label one: one label per image, no masks. */
    private record SingleLabels(ImageSet set) implements MultiLabelSet {
        @Override
        public String spec() {
            return set.spec();
        }

        @Override
        public int size() {
            return set.size();
        }

        @Override
        public List<String> classes() {
            return set.classes();
        }

        @Override
        public int[] labels(int index) {
            return new int[] {set.label(index)};
        }

        @Override
        public String id(int index) {
            return set.id(index);
        }

        @Override
        public Image read(int index) throws IOException {
            return set.read(index);
        }

        @Override
        public boolean hasMasks() {
            return false;
        }

        @Override
        public Mask mask(int index) {
            return null;
        }
    }
}
