package imvec.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reading model cards; {@code imvec.onnx} fills what a card leaves out from the graph itself. */
public final class ModelCards {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelCards() {
    }

    /** The card at {@code path}, or null when there is none. */
    public static ModelCard read(Path path) {
        if (!Files.isRegularFile(path)) return null;
        try {
            return withClasses(JSON.readValue(path.toFile(), ModelCard.class), path);
        } catch (JacksonException e) {
            throw new UserError("the model card " + path + " is not valid card JSON: " + e.getOriginalMessage() + ".", e);
        } catch (IOException e) {
            throw new UserError("cannot read the model card " + path + ": " + e.getMessage(), e);
        }
    }

    /** Loads {@code classes_file} (relative to the card) into {@code classes} when only the file is named. */
    private static ModelCard withClasses(ModelCard c, Path cardPath) {
        if (c.classes() != null || c.classesFile() == null) return c;
        Path dir = cardPath.toAbsolutePath().getParent();
        Path file = dir.resolve(c.classesFile()).normalize();
        if (!Files.isRegularFile(file)) {
            throw new UserError("the model card " + cardPath + " names the class file " + c.classesFile()
                    + ", which does not exist (looked for " + file + ").");
        }
        return c.withClasses(ClassLists.read(file));
    }
}
