package imvec.data;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Locates the read-only real data the tests use, skipping tests (not failing them) when it is absent. */
public final class TestData {
    private TestData() {
    }

    /** The shared folder: {@code -Dimvec.shared}, else {@code ../shared}, else {@code /work/shared}. */
    public static Path shared() {
        List<Path> candidates = new ArrayList<>();
        String property = System.getProperty("imvec.shared");
        if (property != null && !property.isBlank()) {
            candidates.add(Path.of(property));
        }
        candidates.add(Path.of("..", "shared").toAbsolutePath().normalize());
        candidates.add(Path.of("/work/shared"));
        for (Path candidate : candidates) {
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
        }
        Assumptions.abort("shared data not found in " + candidates + "; set -Dimvec.shared=DIR to run this test");
        throw new AssertionError("unreachable");
    }

    /** A file or folder under {@code shared/data}, skipping the test when it is missing. */
    public static Path sharedData(String relative) {
        Path path = shared().resolve("data").resolve(relative);
        Assumptions.assumeTrue(Files.exists(path), () -> path + " is missing; skipping");
        return path;
    }

    /** The Debian Fashion-MNIST files, skipping the test without them. */
    static Path fashionMnistDebian() {
        Path dir = FashionMnist.DEBIAN_DIR;
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve(FashionMnist.TEST_IMAGES.gzName())),
                () -> "Fashion-MNIST is not installed in " + dir + " (apt-get install -y dataset-fashion-mnist); skipping");
        return dir;
    }
}
