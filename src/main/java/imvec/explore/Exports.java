package imvec.explore;

import imvec.util.UserError;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Copies a selection of images out of the run's data set into a folder, as PNG files. */
final class Exports {
    private Exports() {
    }

    /**
     * Writes each row's image as {@code <id>.png} (slashes and colons become {@code _}) into {@code target},
     * which must not exist yet; the folder appears whole or not at all.
     */
    static Path copyFolder(ExploreRun run, List<Integer> rows, Path target) throws IOException {
        if (Files.exists(target)) throw new UserError("an export named " + target.getFileName() + " exists already; pick another name.");
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        try {
            for (int r : rows) {
                String name = run.id(r).replace('/', '_').replace('\\', '_').replace(':', '_');
                if (name.startsWith(".")) name = "_" + name;
                Path f = tmp.resolve(name + ".png");
                ImageIO.write(ThumbnailAtlas.toBuffered(run.image(r)), "png", f.toFile());
            }
            Files.move(tmp, target);
            return target;
        } finally {
            if (Files.exists(tmp)) {
                try (Stream<Path> s = Files.walk(tmp)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
