package imvec.spatial;

import imvec.store.AtomicFiles;
import imvec.store.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The scores directory the evaluation reads: {@code labels.txt}, {@code ids.txt},
 * {@code scores.npy} (N×L probabilities), {@code maps.npy} (N×L×H×W per-location logits) and
 * {@code manifest.json}. Written into a temporary sibling and moved into place whole, so a failed
 * run leaves no half-written directory.
 */
public final class ScoresDir {
    private ScoresDir() {
    }

    public static void write(Path dir, Scores s, Map<String, Object> provenance) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path tmp = Files.createTempDirectory(abs.getParent() == null ? Path.of(".") : abs.getParent(), ".scores-");
        try {
            // A temporary directory is private (rwx------); the scores are an ordinary output.
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            int n = s.ids().size(), l = s.labels().size();
            Files.writeString(tmp.resolve("labels.txt"), String.join("\n", s.labels()) + "\n");
            Files.writeString(tmp.resolve("ids.txt"), String.join("\n", s.ids()) + "\n");
            Npy.write(tmp.resolve("scores.npy"), s.scores(), n, l);
            Npy.write(tmp.resolve("maps.npy"), s.maps(), n, l, s.height(), s.width());
            Files.writeString(tmp.resolve("manifest.json"),
                    imvec.store.Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(provenance));
            if (Files.exists(abs)) deleteTree(abs);
            AtomicFiles.move(tmp, abs);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
