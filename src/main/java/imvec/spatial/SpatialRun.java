package imvec.spatial;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.finetune.FineTuneJob;
import imvec.finetune.TrainableTail;
import imvec.finetune.TunedBackbone;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model directory: {@code head.json} (head kind and sizes, the backbone tap that feeds
 * it, and provenance: data, words, seen/unseen lists, k, epochs, seed, version) and one
 * {@code params/<name>.npy} per head parameter. A ConSE model directory has only {@code head.json}
 * (kind {@code conse}: the classifier, its class list and output layer, the seen classes, T); read
 * it with {@link #readInfo}, since it has no head to {@link #load}. A model trained with
 * {@code --tune-from} also holds its tuned backbone tail in {@code tuned-backbone/} (the head-less
 * format of {@link TunedBackbone}); its maps come from there.
 *
 * @param tail the tuned backbone tail: to write (trained, not yet saved) or where it was read from;
 *             null for a frozen backbone
 */
public record SpatialRun(Head head, Map<String, Object> info, Tail tail) {
    public static final String FILE = "head.json";
    public static final String TUNED_DIR = "tuned-backbone";

    /** A tuned tail: its card and weights when trained here, or the directory it was saved in. */
    public record Tail(FineTuneJob.TunedCard card, byte[] parameters, Path dir) {
    }

    public SpatialRun(Head head, Map<String, Object> info) {
        this(head, info, null);
    }

    /** The tuned backbone this model's maps come from, or null when its backbone is frozen. */
    public Path tunedBackbone() {
        return tail == null ? null : tail.dir();
    }

    /** Writes the tail (if any) and parameters first and {@code head.json} last, so a directory with it is complete. */
    public void save(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Files.createDirectories(abs.resolve("params"));
        if (tail != null && tail.parameters() != null) TrainableTail.write(abs.resolve(TUNED_DIR), tail.card(), tail.parameters());
        for (Head.Param p : head.params()) Npy.write(abs.resolve("params").resolve(p.name() + ".npy"), p.values(), p.shape());
        saveInfo(abs, info);
    }

    /** Writes {@code head.json} alone: all a model without parameters (ConSE) has. */
    public static void saveInfo(Path dir, Map<String, Object> info) throws IOException {
        Files.createDirectories(dir.toAbsolutePath());
        AtomicFiles.writeString(dir.toAbsolutePath().resolve(FILE), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(info));
    }

    /** A model directory's {@code head.json}, whatever its kind. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> readInfo(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new UserError(dir + " is not a spatial model directory (no " + FILE + ").");
        try {
            return new ObjectMapper().readValue(file.toFile(), LinkedHashMap.class);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code spatial}, {@code pooled} or {@code conse}. */
    public static String kind(Path dir) {
        return String.valueOf(readInfo(dir).get("kind"));
    }

    public static SpatialRun load(Path dir) {
        Map<String, Object> info = readInfo(dir);
        if (Conse.KIND.equals(info.get("kind"))) {
            throw new UserError(dir + " is a ConSE model: it has no trained head and no localisation maps.");
        }
        int channels = num(info, "channels"), dims = num(info, "dims");
        Head fresh = PooledHead.KIND.equals(info.get("kind")) ? PooledHead.create(channels, dims, 0)
                : CosineMapHead.create(channels, num(info, "blocks"), dims, num(info, "hidden"), 0);
        List<Head.Param> values = new ArrayList<>();
        for (Head.Param p : fresh.params()) {
            Npy.Array a = Npy.read(dir.resolve("params").resolve(p.name() + ".npy"));
            values.add(new Head.Param(p.name(), a.shape(), a.floats()));
        }
        Head head = fresh instanceof PooledHead ? PooledHead.of(channels, dims, values)
                : CosineMapHead.of(channels, num(info, "blocks"), dims, num(info, "hidden"), values);
        if (info.get("tune_from") == null) return new SpatialRun(head, info);
        Path tuned = dir.toAbsolutePath().resolve(TUNED_DIR);
        if (!TunedBackbone.isTunedDirectory(tuned)) {
            throw new UserError(dir + " was trained with --tune-from but its " + TUNED_DIR + "/ is missing or incomplete.");
        }
        return new SpatialRun(head, info, new Tail(null, null, tuned));
    }

    private static int num(Map<String, Object> info, String key) {
        Object v = info.get(key);
        if (!(v instanceof Number n)) throw new UserError(FILE + " lacks '" + key + "'.");
        return n.intValue();
    }

    public String string(String key) {
        Object v = info.get(key);
        return v == null ? null : v.toString();
    }

    public int integer(String key) {
        return num(info, key);
    }
}
