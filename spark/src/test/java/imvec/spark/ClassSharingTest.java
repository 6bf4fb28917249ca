package imvec.spark;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.assertj.core.api.Assertions.assertThat;

class ClassSharingTest {
    /** An archive is only ever used on the jars it was made from: any changed, added or renamed jar is a new key. */
    @Test
    void theKeyChangesWithEveryJarAndOnlyThen(@TempDir Path tmp) throws Exception {
        Path a = Files.write(tmp.resolve("a.jar"), new byte[]{1, 2, 3});
        Files.write(tmp.resolve("b.jar"), new byte[]{4});
        Files.writeString(tmp.resolve("notes.txt"), "not a jar");
        String key = ClassSharing.key(tmp);
        assertThat(key).hasSize(16).isEqualTo(ClassSharing.key(tmp));

        Files.writeString(tmp.resolve("notes.txt"), "still not a jar, longer");
        assertThat(ClassSharing.key(tmp)).as("files other than jars do not count").isEqualTo(key);

        FileTime time = Files.getLastModifiedTime(a);
        Files.write(a, new byte[]{1, 2, 3, 4});
        Files.setLastModifiedTime(a, time);
        String resized = ClassSharing.key(tmp);
        assertThat(resized).as("same time, other size").isNotEqualTo(key);

        Files.setLastModifiedTime(a, FileTime.fromMillis(time.toMillis() + 2000));
        assertThat(ClassSharing.key(tmp)).as("same size, other time").isNotEqualTo(resized);

        Files.write(tmp.resolve("c.jar"), new byte[]{5});
        assertThat(ClassSharing.key(tmp)).as("one more jar").isNotEqualTo(resized);
    }

    @Test
    void theFlagsNameTheArchiveAndCreateItWhenNeeded() {
        String flags = ClassSharing.flags(Path.of("/cache/x-{{EXECUTOR_ID}}.jsa"));
        assertThat(flags.split(" ")).contains("-XX:SharedArchiveFile=/cache/x-{{EXECUTOR_ID}}.jsa", "-XX:+AutoCreateSharedArchive");
    }
}
