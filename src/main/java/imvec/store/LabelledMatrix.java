package imvec.store;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Rows to analyse with their class labels: a stored layer of a run, or a pair of .npy files.
 * Analyses take these and never open models or images.
 */
public record LabelledMatrix(float[][] rows, int[] labels, List<String> classes, String source) {
    /** The one class of rows read without labels. */
    public static final String UNLABELLED = "unlabelled";

    public LabelledMatrix {
        if (rows.length != labels.length) {
            throw new UserError(source + " has " + rows.length + " rows but " + labels.length + " labels; they must match.");
        }
    }

    public int n() {
        return rows.length;
    }

    public int dims() {
        return rows.length == 0 ? 0 : rows[0].length;
    }

    /** One stored layer of a finished run. */
    public static LabelledMatrix fromRun(Path run, String layer) {
        Manifest m = Manifest.read(run);
        Manifest.Layer l = m.layer(layer);
        float[][] x = Npy.readMatrix(run.resolve(l.file()));
        int[] y = Npy.readInts(run.resolve(m.labels()));
        return new LabelledMatrix(x, y, m.classNames(), run + "#" + layer);
    }

    /** An N × D embedding file without labels: every row in one class, {@code unlabelled}. */
    public static LabelledMatrix fromFile(Path embeddings) {
        float[][] x = Npy.readMatrix(embeddings);
        if (x.length == 0) throw new UserError(embeddings + " holds no rows.");
        return new LabelledMatrix(x, new int[x.length], List.of(UNLABELLED), embeddings.toString());
    }

    /** An N × D embedding file and N integer labels; class names from a file (one a line) or the label values. */
    public static LabelledMatrix fromFiles(Path embeddings, Path labels, Path classNames) {
        float[][] x = Npy.readMatrix(embeddings);
        if (x.length == 0) throw new UserError(embeddings + " holds no rows.");
        int[] y = Npy.readInts(labels);
        if (y.length != x.length) {
            throw new UserError(labels + " has " + y.length + " labels but " + embeddings + " has " + x.length + " rows; they must match.");
        }
        int max = 0;
        for (int v : y) {
            if (v < 0) throw new UserError(labels + " holds a negative label (" + v + "); labels are class indices 0..K-1.");
            max = Math.max(max, v);
        }
        List<String> names = new ArrayList<>();
        if (classNames != null) {
            try {
                names.addAll(Files.readAllLines(classNames).stream().filter(s -> !s.isBlank()).toList());
            } catch (IOException e) {
                throw new UserError("Cannot read class names from " + classNames + ": " + e.getMessage(), e);
            }
            if (names.size() <= max) throw new UserError(classNames + " names " + names.size() + " classes but the labels go up to " + max + ".");
        } else {
            for (int k = 0; k <= max; k++) names.add(Integer.toString(k));
        }
        return new LabelledMatrix(x, y, names, embeddings.toString());
    }
}
