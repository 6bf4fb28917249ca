package imvec.zoo;

import imvec.model.ModelCard;
import imvec.model.ModelCards;
import imvec.train.TrainedNet;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The model cards in a set of model directories: {@code <model>.onnx.json} beside ONNX files and
 * {@code card.json} in directories written by {@code imvec train}. A card that cannot be read is
 * listed with the reason rather than hiding the others.
 */
public final class ModelCatalog {
    /** Cards deeper than this below a models directory are not looked for. */
    private static final int DEPTH = 4;

    private ModelCatalog() {
    }

    /** Where {@code imvec models pull} puts models and {@code imvec models} looks first. */
    public static Path defaultDirectory() {
        String env = System.getenv("IMVEC_MODELS");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".imvec", "models");
    }

    /**
     * The default directory, then the directories a user named ({@code --dir}). Unlike the default,
     * which may not exist yet, a named one must: a typo would otherwise list nothing and succeed.
     */
    public static List<Path> searchPath(List<Path> named) {
        List<Path> where = new ArrayList<>(List.of(defaultDirectory()));
        for (Path dir : named) {
            if (!Files.exists(dir)) throw new UserError("the models directory " + dir + " does not exist.");
            if (!Files.isDirectory(dir)) throw new UserError("the models directory " + dir + " is not a directory.");
            where.add(dir);
        }
        return where;
    }

    /**
     * One card found.
     *
     * @param name  the model's file or directory name
     * @param model the model it describes (may be missing: {@code modelPresent} says)
     * @param card  the card with its class list loaded, or null when {@code problem} is set
     */
    public record Found(String name, Path cardFile, Path model, boolean modelPresent, ModelCard card, String problem) {
    }

    /** Cards under each directory that exists, in path order; missing directories are skipped. */
    public static List<Found> list(List<Path> dirs) {
        List<Found> out = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir, DEPTH)) {
                files.filter(ModelCatalog::isCard).sorted(Comparator.naturalOrder()).forEach(p -> out.add(describe(p)));
            } catch (IOException e) {
                throw new UserError("cannot list the models directory " + dir + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Cards beside models, cards of trained directories, and stand-alone cards (any other JSON
     * object naming an input size or a feature layer, e.g. the repository's {@code cards/}).
     */
    private static boolean isCard(Path p) {
        String f = p.getFileName().toString();
        if (!Files.isRegularFile(p) || !f.endsWith(".json")) return false;
        if (f.endsWith(".onnx.json") || f.equals(TrainedNet.CARD_FILE)) return true;
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.toFile());
            return node != null && node.isObject() && (node.has("height") || node.has("feature_layer"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Found describe(Path cardFile) {
        String f = cardFile.getFileName().toString();
        String stem = f.substring(0, f.length() - ".json".length());
        Path model = f.equals(TrainedNet.CARD_FILE) ? cardFile.getParent()
                : cardFile.resolveSibling(stem.endsWith(".onnx") ? stem : stem + ".onnx");
        boolean present = f.equals(TrainedNet.CARD_FILE)
                ? Files.isRegularFile(model.resolve(TrainedNet.PARAMS_FILE)) : Files.isRegularFile(model);
        try {
            return new Found(model.getFileName().toString(), cardFile, model, present, ModelCards.read(cardFile), null);
        } catch (UserError e) {
            return new Found(model.getFileName().toString(), cardFile, model, present, null, e.getMessage());
        }
    }

    /**
     * A stand-alone card for {@code model} in {@code dirs}: {@code <stem>.json} where the model
     * is {@code <stem>.onnx} (as in the repository's {@code cards/}), or null.
     */
    public static ModelCard standaloneCard(Path model, List<Path> dirs) {
        String f = model.getFileName().toString();
        if (!f.endsWith(".onnx")) return null;
        String wanted = f.substring(0, f.length() - ".onnx".length()) + ".json";
        for (Found found : list(dirs)) {
            if (found.cardFile().getFileName().toString().equals(wanted) && found.card() != null) return found.card();
        }
        return null;
    }

    /**
     * A model named on the command line: an existing path, else a model file or trained
     * directory whose name (with or without {@code .onnx}) matches a card in {@code dirs}.
     */
    public static Path resolve(String nameOrPath, List<Path> dirs) {
        Path direct = Path.of(nameOrPath);
        if (Files.exists(direct)) return direct;
        List<Found> all = list(dirs);
        for (Found f : all) {
            String n = f.name();
            String bare = n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
            if (f.modelPresent() && (n.equals(nameOrPath) || bare.equals(nameOrPath))) return f.model();
        }
        for (ModelZoo.Entry e : ModelZoo.entries()) {
            if (e.name().equalsIgnoreCase(nameOrPath)) {
                for (Found f : all) if (f.modelPresent() && f.name().equals(e.fileName())) return f.model();
                throw new UserError("model '" + nameOrPath + "' is not downloaded yet; run `imvec models pull " + e.name() + "`.");
            }
        }
        throw new UserError("no model file or pulled model is called '" + nameOrPath + "'"
                + imvec.util.Suggestions.didYouMean(nameOrPath, all.stream().map(Found::name).toList()) + ".");
    }
}
