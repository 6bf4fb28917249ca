package imvec.model;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Class lists in a model's output order. Either one class id per line, or a TSV whose rows are
 * {@code index<TAB>id<TAB>…} (a header row is recognised by a non-numeric first field and may
 * name the id column: {@code synset}, {@code id}, {@code class} or {@code label}).
 */
public final class ClassLists {
    private ClassLists() {
    }

    public static List<String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UserError("cannot read the class list " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new UserError("the class list " + file + " is empty.");
        if (!lines.get(0).contains("\t")) return lines.stream().map(String::trim).toList();
        return fromTsv(file, lines);
    }

    private static List<String> fromTsv(Path file, List<String> lines) {
        String[] first = lines.get(0).split("\t");
        boolean header = !first[0].trim().matches("-?\\d+");
        int column = header ? idColumn(first) : first.length > 1 ? 1 : 0;
        List<String> out = new ArrayList<>();
        for (int i = header ? 1 : 0; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length <= column) throw new UserError("line " + (i + 1) + " of " + file + " has no column " + (column + 1) + ".");
            out.add(f[column].trim());
        }
        return out;
    }

    private static int idColumn(String[] header) {
        for (String want : List.of("synset", "id", "class", "label")) {
            for (int c = 0; c < header.length; c++) if (header[c].trim().toLowerCase(Locale.ROOT).equals(want)) return c;
        }
        return header.length > 1 && header[0].trim().equalsIgnoreCase("index") ? 1 : 0;
    }
}
