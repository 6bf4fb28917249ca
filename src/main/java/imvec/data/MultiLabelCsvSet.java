package imvec.data;

import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A multi-label set listed in a CSV of {@code path,labels}: image paths relative to the CSV's
 * folder, labels separated by {@code ;} (none for a background-only image). An optional first line
 * whose first field is {@code path}, {@code file}, {@code filename}, {@code image} or {@code id} is a
 * header. The class table (one name a line; a first line {@code background} or
 * {@code _background_}, as PASCAL VOC lists it, stands for mask value 0 and is skipped) fixes the
 * class order and the mask values; without one the classes are the labels in name order. Masks are
 * PNGs in a masks folder named after the image file ({@code a/b/x.jpg} → {@code MASKS/x.png}).
 */
public final class MultiLabelCsvSet implements MultiLabelSet {
    private final String spec;
    private final Path root;
    private final String[] ids;
    private final int[][] labels;
    private final List<String> classes;
    private final Path masks;

    private MultiLabelCsvSet(String spec, Path root, String[] ids, int[][] labels, List<String> classes, Path masks) {
        this.spec = spec;
        this.root = root;
        this.ids = ids;
        this.labels = labels;
        this.classes = classes;
        this.masks = masks;
    }

    /** Opens {@code csv}; {@code classTable} and {@code masks} may be null. */
    public static MultiLabelCsvSet open(String spec, Path csv, Path classTable, Path masks) {
        if (!Files.isRegularFile(csv)) throw new UserError(csv + " does not exist or is not a file (from data spec " + spec + ")");
        if (masks != null) DataFiles.requireDirectory(masks, "masks folder");
        Path root = csv.toAbsolutePath().getParent();
        List<String[]> rows = rows(csv);
        List<String> classes = classTable != null ? readClassTable(classTable) : labelNames(rows);
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < classes.size(); k++) {
            if (index.putIfAbsent(classes.get(k), k) != null) {
                throw new UserError(classTable + " lists class '" + classes.get(k) + "' twice");
            }
        }
        String[] ids = new String[rows.size()];
        int[][] labels = new int[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            ids[i] = rows.get(i)[0];
            labels[i] = labelIndices(rows.get(i), index, classes, csv, classTable);
        }
        checkFiles(csv, root, ids, masks);
        return new MultiLabelCsvSet(spec, root, ids, labels, List.copyOf(classes), masks);
    }

    /** {path, labels, line} per image. */
    private static List<String[]> rows(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DataFiles.unreadable(csv, e);
        }
        List<String[]> rows = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        boolean first = true;
        for (int i = 0; i < lines.size(); i++) {
            String text = i == 0 && lines.get(i).startsWith("\uFEFF") ? lines.get(i).substring(1) : lines.get(i);
            if (text.isBlank()) continue;
            List<String> fields = LabelsCsv.split(text, csv, i + 1);
            if (fields.size() != 2) {
                throw new UserError(csv + " line " + (i + 1) + " has " + fields.size() + " fields; each line must be path,labels (labels separated by ;)");
            }
            boolean header = first && LabelsCsv.HEADER_NAMES.contains(fields.get(0).toLowerCase(Locale.ROOT));
            first = false;
            if (header) continue;
            String path = LabelsCsv.normalise(fields.get(0));
            if (path.isEmpty()) throw new UserError(csv + " line " + (i + 1) + " has an empty path");
            Integer earlier = firstLine.putIfAbsent(path, i + 1);
            if (earlier != null) throw new UserError(csv + " line " + (i + 1) + " repeats " + path + " from line " + earlier);
            rows.add(new String[] {path, fields.get(1), Integer.toString(i + 1)});
        }
        if (rows.isEmpty()) throw new UserError(csv + " lists no images");
        return rows;
    }

    private static List<String> labelNames(List<String[]> rows) {
        TreeSet<String> names = new TreeSet<>();
        for (String[] r : rows) names.addAll(split(r[1]));
        return List.copyOf(names);
    }

    static List<String> split(String labels) {
        List<String> out = new ArrayList<>();
        for (String s : labels.split(";")) if (!s.isBlank()) out.add(s.strip());
        return out;
    }

    private static int[] labelIndices(String[] row, Map<String, Integer> index, List<String> classes, Path csv, Path table) {
        TreeSet<Integer> out = new TreeSet<>();
        for (String name : split(row[1])) {
            Integer k = index.get(name);
            if (k == null) {
                throw new UserError(csv + " line " + row[2] + " labels " + row[0] + " '" + name + "', which the class table "
                        + table + " does not list" + Suggestions.didYouMean(name, classes));
            }
            out.add(k);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One class a line; a leading background line (VOC's class table starts with it) stands for value 0 and is dropped. */
    public static List<String> readClassTable(Path file) {
        List<String> names = new ArrayList<>(DataFiles.readNames(file));
        if (!names.isEmpty()) {
            String first = names.get(0).toLowerCase(Locale.ROOT);
            if (first.equals("background") || first.equals("_background_")) names.remove(0);
        }
        if (names.isEmpty()) throw new UserError("class table " + file + " lists no classes");
        return names;
    }

    /** Every image, and with masks every mask, must exist: a missing file fails now, not hours into training. */
    private static void checkFiles(Path csv, Path root, String[] ids, Path masks) {
        List<String> missing = new ArrayList<>();
        for (String id : ids) if (!Files.isRegularFile(root.resolve(id))) missing.add(id);
        if (!missing.isEmpty()) {
            throw new UserError(csv + " lists " + missing.size() + " image(s) that do not exist beside it, e.g. " + root.resolve(missing.get(0)));
        }
        if (masks == null) return;
        Map<String, String> stems = new HashMap<>();
        for (String id : ids) {
            String other = stems.putIfAbsent(stem(id), id);
            if (other != null) {
                throw new UserError(csv + " lists " + other + " and " + id + ", which would share the mask " + stem(id) + ".png in " + masks);
            }
            if (!Files.isRegularFile(masks.resolve(stem(id) + ".png"))) missing.add(id);
        }
        if (!missing.isEmpty()) {
            throw new UserError(masks + " has no mask for " + missing.size() + " of the " + ids.length + " images, e.g. "
                    + masks.resolve(stem(missing.get(0)) + ".png") + "; list only images with masks in " + csv.getFileName());
        }
    }

    static String stem(String id) {
        String name = id.substring(id.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return ids.length;
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int[] labels(int index) {
        return labels[index].clone();
    }

    @Override
    public String id(int index) {
        return ids[index];
    }

    @Override
    public Image read(int index) throws IOException {
        Path file = root.resolve(ids[index]);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException(ids[index], "cannot read the file (" + DataFiles.describe(e) + ")");
        }
        return Images.decode(bytes, ids[index]);
    }

    @Override
    public boolean hasMasks() {
        return masks != null;
    }

    @Override
    public Mask mask(int index) throws IOException {
        if (masks == null) return null;
        Path file = masks.resolve(stem(ids[index]) + ".png");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UnreadableImageException(file.toString(), "cannot read the mask (" + DataFiles.describe(e) + ")");
        }
        return MaskPng.read(bytes, file.toString(), classes.size());
    }

    @Override
    public String toString() {
        return spec + " (" + ids.length + " images, " + classes.size() + " classes" + (masks == null ? "" : ", masks in " + masks) + ")";
    }
}
