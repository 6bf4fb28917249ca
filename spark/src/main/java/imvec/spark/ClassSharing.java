package imvec.spark;

import imvec.util.Hashing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Class data sharing (AppCDS) for the JVMs a Spark job starts: a dynamic archive (JDK 19+) that
 * a JVM writes at exit with every class it loaded, and that later JVMs on the same class path map
 * instead of loading and verifying those classes again, seconds of each Spark JVM's start-up.
 * The launcher does the same for the driver (scripts/lib.sh, {@code spark_cds_flags}).
 */
final class ClassSharing {
    /** System property the launcher sets to its CDS cache folder (absent: no class sharing). */
    static final String DIR_PROPERTY = "imvec.cds.dir";

    private ClassSharing() {
    }

    /** The launcher's CDS folder, or null when class sharing is off. */
    static Path dir() {
        String d = System.getProperty(DIR_PROPERTY);
        return d == null || d.isBlank() ? null : Path.of(d);
    }

    /** JVM flags that use {@code archive}, writing it first when it is absent or was made on other jars. */
    static String flags(Path archive) {
        return "-XX:SharedArchiveFile=" + archive + " -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off";
    }

    /**
     * A key for the jars in {@code folder} and this JDK: their names, sizes and times, so that a
     * changed jar is a new key and never meets an archive made before it.
     */
    static String key(Path folder) throws IOException {
        StringBuilder b = new StringBuilder(System.getProperty("java.vm.version")).append('\n');
        try (Stream<Path> s = Files.list(folder)) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(jar, BasicFileAttributes.class);
                b.append(jar.getFileName()).append(' ').append(a.size()).append(' ').append(a.lastModifiedTime().toMillis()).append('\n');
            }
        }
        return Hashing.sha256(b.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }
}
