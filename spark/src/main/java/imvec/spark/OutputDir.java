package imvec.spark;

import imvec.store.Manifest;
import imvec.util.UserError;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The output of a Spark extraction on any Hadoop file system: Parquet under {@code rows/} and
 * {@code manifest.json} beside it, written last (to a temporary name, then renamed), so that
 * its presence marks a finished output.
 */
final class OutputDir {
    private final FileSystem fs;
    private final Path dir;

    OutputDir(SparkSession spark, String out) {
        try {
            this.dir = new Path(out);
            this.fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError("cannot use " + out + " as the output (" + e.getMessage() + ").", e);
        }
    }

    String rows() {
        return new Path(dir, SparkExtract.ROWS).toString();
    }

    /** The manifest of a finished output made the same way, or null when there is work to do. */
    Manifest finished(String fingerprint, boolean force) throws IOException {
        Path m = new Path(dir, Manifest.FILE);
        if (!fs.exists(m)) return null;
        Manifest old = read(fs, m);
        Object before = old.extraction() == null ? null : old.extraction().get("fingerprint");
        if (fingerprint.equals(before) && !force) return old;
        if (!force) {
            throw new UserError(dir + " already holds a finished Spark extraction made with other settings; pass --force to replace it or choose another --out.");
        }
        fs.delete(m, false);
        return null;
    }

    void writeManifest(Manifest m) throws IOException {
        Path target = new Path(dir, Manifest.FILE);
        Path tmp = new Path(dir, "." + Manifest.FILE + ".tmp");
        try (FSDataOutputStream o = fs.create(tmp, true)) {
            o.write((Manifest.json().writeValueAsString(m) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) throw new IOException("cannot rename " + tmp + " to " + target);
    }

    static Manifest read(FileSystem fs, Path file) {
        try (FSDataInputStream in = fs.open(file)) {
            return Manifest.json().readValue(in.readAllBytes(), Manifest.class);
        } catch (IOException e) {
            throw new UserError(file + " is not a readable manifest (" + e.getMessage() + ").", e);
        }
    }

    /** The Parquet column of each stored layer, as the manifest records it. */
    @SuppressWarnings("unchecked")
    static Map<String, String> columns(Manifest m) {
        Object c = m.extraction() == null ? null : m.extraction().get("columns");
        if (!(c instanceof Map)) throw new UserError("the manifest does not come from imvec spark-extract (no Parquet columns recorded).");
        return (Map<String, String>) c;
    }
}
