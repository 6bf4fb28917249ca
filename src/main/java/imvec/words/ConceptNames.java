package imvec.words;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Readers for the two tab-separated files that say which words stand for a class. */
public final class ConceptNames {
    private ConceptNames() {
    }

    /**
     * {@code --names}: a class id, a tab, then its names separated by {@code ", "}
     * ({@code n01440764<TAB>tench, Tinca tinca}). A leading numeric index column
     * ({@code 0<TAB>n01440764<TAB>tench, Tinca tinca}, as in imvec's ImageNet label file) is
     * skipped; a header line is harmless because no class is called "synset".
     */
    public static Map<String, String> readNames(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        List<String> lines = lines(file, "class names");
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            int id = f.length >= 3 && f[0].trim().matches("\\d+") ? 1 : 0;
            if (f.length < id + 2 || f[id + 1].isBlank()) {
                throw new UserError(file + " line " + lineNo + " should be a class id, a tab and its names; it is '" + TextVectorFormat.clip(line) + "'.");
            }
            out.putIfAbsent(f[id].trim(), f[id + 1].trim());
        }
        if (out.isEmpty()) throw new UserError(file + " names no classes.");
        return out;
    }

    /** A user mapping: {@code concept<TAB>words}; these words override every other source. */
    public static Map<String, String> readMapping(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : lines(file, "concept mapping")) {
            lineNo++;
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.split("\t");
            if (f.length != 2 || f[0].isBlank() || f[1].isBlank()) {
                throw new UserError(file + " line " + lineNo + " should be a concept, a tab and the words to use; it is '" + TextVectorFormat.clip(line) + "'.");
            }
            if (out.put(f[0].trim(), f[1].trim()) != null) {
                throw new UserError(file + " maps '" + f[0].trim() + "' twice (line " + lineNo + ").");
            }
        }
        return out;
    }

    private static List<String> lines(Path file, String what) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
