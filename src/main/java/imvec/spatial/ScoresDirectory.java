package imvec.spatial;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * A scores directory, written by {@link #write} and read back by {@link #open}: {@code manifest.json}
 * (provenance), {@code labels.txt} (the L labels, the column order), {@code ids.txt} (the N image
 * ids), {@code scores.npy} (float32 N×L: probabilities for the spatial and pooled heads, cosines in
 * [−1, 1] for ConSE; the manifest's {@code score} says which, and the evaluation needs only their
 * order) and {@code maps.npy} (float32 N×L×H×W per-location logits; optional, needed for
 * localisation and map search, absent for ConSE). Maps are read one image at a time, so an
 * evaluation never holds all of them.
 */
public final class ScoresDirectory {
    private final Path dir;
    private final Map<String, Object> manifest;
    private final List<String> labels;
    private final List<String> ids;
    private final float[][] scores;
    private final Path maps;
    private final long mapsOffset;
    private final int mapHeight;
    private final int mapWidth;

    private ScoresDirectory(Path dir, Map<String, Object> manifest, List<String> labels, List<String> ids, float[][] scores,
                            Path maps, long mapsOffset, int mapHeight, int mapWidth) {
        this.dir = dir;
        this.manifest = manifest;
        this.labels = labels;
        this.ids = ids;
        this.scores = scores;
        this.maps = maps;
        this.mapsOffset = mapsOffset;
        this.mapHeight = mapHeight;
        this.mapWidth = mapWidth;
    }

    /**
     * Writes {@code s} into {@code dir}: into a temporary sibling first, moved into place whole, so
     * a failed run leaves no half-written directory. Without maps ({@link Scores#hasMaps()}) no
     * {@code maps.npy} is written.
     */
    public static void write(Path dir, Scores s, Map<String, Object> provenance) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path tmp = Files.createTempDirectory(abs.getParent() == null ? Path.of(".") : abs.getParent(), ".scores-");
        try {
            // A temporary directory is private (rwx------); the scores are an ordinary output.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
            int n = s.ids().size(), l = s.labels().size();
            Files.writeString(tmp.resolve("labels.txt"), String.join("\n", s.labels()) + "\n");
            Files.writeString(tmp.resolve("ids.txt"), String.join("\n", s.ids()) + "\n");
            Npy.write(tmp.resolve("scores.npy"), s.scores(), n, l);
            if (s.hasMaps()) Npy.write(tmp.resolve("maps.npy"), s.maps(), n, l, s.height(), s.width());
            Files.writeString(tmp.resolve("manifest.json"), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(provenance));
            if (Files.exists(abs)) deleteTree(abs);
            AtomicFiles.move(tmp, abs);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    /** Opens and checks a scores directory: every file present and every shape agreeing. */
    @SuppressWarnings("unchecked")
    public static ScoresDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) throw new UserError("scores directory " + dir + " does not exist");
        Map<String, Object> manifest = Map.of();
        Path manifestFile = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifestFile)) {
            try {
                manifest = new ObjectMapper().readValue(manifestFile.toFile(), Map.class);
            } catch (IOException e) {
                throw new UserError(manifestFile + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
            }
        }
        List<String> labels = lines(require(dir, "labels.txt"));
        List<String> ids = lines(require(dir, "ids.txt"));
        if (new HashSet<>(labels).size() != labels.size()) throw new UserError(dir.resolve("labels.txt") + " lists a label twice");
        Npy.Array s = Npy.read(require(dir, "scores.npy"));
        if (s.shape().length != 2 || s.shape()[0] != ids.size() || s.shape()[1] != labels.size() || s.floats() == null) {
            throw new UserError(dir.resolve("scores.npy") + " has shape " + Arrays.toString(s.shape()) + " but ids.txt and labels.txt need float32 ["
                    + ids.size() + ", " + labels.size() + "]");
        }
        Path maps = dir.resolve("maps.npy");
        if (!Files.isRegularFile(maps)) return new ScoresDirectory(dir, manifest, labels, ids, s.matrix(), null, 0, 0, 0);
        Npy.Header h = Npy.header(maps);
        long[] shape = h.shape();
        if (!h.descr().equals("<f4") || shape.length != 4 || shape[0] != ids.size() || shape[1] != labels.size()) {
            throw new UserError(maps + " has dtype " + h.descr() + " and shape " + Arrays.toString(shape) + " but must be float32 ["
                    + ids.size() + ", " + labels.size() + ", H, W]");
        }
        try {
            long expected = h.dataOffset() + 4L * shape[0] * shape[1] * shape[2] * shape[3];
            if (Files.size(maps) < expected) throw new UserError(maps + " is truncated: " + Files.size(maps) + " bytes, expected " + expected);
        } catch (IOException e) {
            throw new UserError("cannot read " + maps + " (" + e.getMessage() + ")", e);
        }
        return new ScoresDirectory(dir, manifest, labels, ids, s.matrix(), maps, h.dataOffset(), (int) shape[2], (int) shape[3]);
    }

    private static Path require(Path dir, String name) {
        Path f = dir.resolve(name);
        if (!Files.isRegularFile(f)) throw new UserError("scores directory " + dir + " has no " + name);
        return f;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UserError("cannot read " + file + " (" + e.getMessage() + ")", e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Map<String, Object> manifest() {
        return manifest;
    }

    public List<String> labels() {
        return labels;
    }

    public List<String> ids() {
        return ids;
    }

    /** N×L scores: probabilities, or cosines for ConSE (higher ranks first either way). */
    public float[][] scores() {
        return scores;
    }

    public boolean hasMaps() {
        return maps != null;
    }

    public int mapHeight() {
        return mapHeight;
    }

    public int mapWidth() {
        return mapWidth;
    }

    /** Image {@code image}'s maps of the chosen label columns, each H×W logits. */
    public float[][] maps(int image, int[] columns) throws IOException {
        if (maps == null) throw new UserError("scores directory " + dir + " has no maps.npy");
        int plane = mapHeight * mapWidth;
        float[][] out = new float[columns.length][plane];
        try (FileChannel ch = FileChannel.open(maps, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(plane * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int k = 0; k < columns.length; k++) {
                long at = mapsOffset + 4L * plane * ((long) image * labels.size() + columns[k]);
                b.clear();
                while (b.hasRemaining()) {
                    if (ch.read(b, at + b.position()) < 0) throw new UserError(maps + " is truncated");
                }
                b.flip();
                b.asFloatBuffer().get(out[k]);
            }
        }
        return out;
    }
}
