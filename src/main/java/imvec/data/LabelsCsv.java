package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code path,label} CSV assigning labels to image files, paths relative to the set's root.
 * An optional first line whose first field is a column name ({@code path}, {@code file},
 * {@code filename}, {@code image} or {@code id}) is a header. Fields may be double-quoted.
 */
public final class LabelsCsv {
    static final Set<String> HEADER_NAMES = Set.of("path", "file", "filename", "image", "id");

    /** One assignment and the 1-based line it came from, for error messages. */
    public record Row(int line, String path, String label) {
    }

    private LabelsCsv() {
    }

    public static List<Row> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw DataFiles.unreadable(csv, e);
        }
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        boolean firstContent = true;
        for (int i = 0; i < lines.size(); i++) {
            String text = i == 0 ? stripByteOrderMark(lines.get(i)) : lines.get(i);
            if (text.isBlank()) {
                continue;
            }
            List<String> fields = split(text, csv, i + 1);
            if (fields.size() != 2) {
                throw new UserError(csv + " line " + (i + 1) + " has " + fields.size()
                        + " fields; each line must be path,label");
            }
            boolean header = firstContent && HEADER_NAMES.contains(fields.get(0).toLowerCase());
            firstContent = false;
            if (header) {
                continue;
            }
            Row row = new Row(i + 1, normalise(fields.get(0)), fields.get(1));
            checkRow(csv, row, firstLine);
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new UserError(csv + " lists no images");
        }
        return rows;
    }

    private static void checkRow(Path csv, Row row, Map<String, Integer> firstLine) {
        if (row.path().isEmpty() || row.label().isEmpty()) {
            throw new UserError(csv + " line " + row.line() + " has an empty path or label");
        }
        Integer earlier = firstLine.putIfAbsent(row.path(), row.line());
        if (earlier != null) {
            throw new UserError(csv + " line " + row.line() + " repeats " + row.path()
                    + " from line " + earlier + "; give each image one label");
        }
    }

    /** Paths are compared as the set's ids: forward slashes, no leading "./". */
    public static String normalise(String path) {
        String p = path.replace('\\', '/');
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        return p;
    }

    private static String stripByteOrderMark(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Splits one line; quoted fields may hold commas and doubled quotes. */
    static List<String> split(String line, Path csv, int lineNo) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (c == ',') {
                fields.add(wasQuoted ? field.toString() : field.toString().strip());
                field.setLength(0);
                wasQuoted = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new UserError(csv + " line " + lineNo + " has an unclosed quote");
        }
        fields.add(wasQuoted ? field.toString() : field.toString().strip());
        return fields;
    }
}
