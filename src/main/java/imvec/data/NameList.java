package imvec.data;

import imvec.util.UserError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A list of names a user writes by hand, one a line (the labels to score, the classes to hold
 * out): UTF-8 text, blank lines and surrounding spaces ignored. Any other file is a user error.
 */
public final class NameList {
    private NameList() {
    }

    /** The names in {@code file}; {@code what} names the file in the refusal ("labels file"). */
    public static List<String> read(Path file, String what) {
        if (!Files.exists(file)) throw new UserError("the " + what + " " + file + " does not exist.");
        if (!Files.isRegularFile(file)) throw new UserError("the " + what + " " + file + " is not a file.");
        List<String> names = DataFiles.readNames(file);
        if (names.isEmpty()) throw new UserError("the " + what + " " + file + " lists no names.");
        return names;
    }
}
