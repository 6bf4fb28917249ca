package imvec.cli;

import imvec.store.LabelledMatrix;
import imvec.util.UserError;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where an analysis reads its rows: a stored layer of a run, or an embedding file with labels. */
final class MatrixInput {
    @Option(names = "--run", description = "A run directory written by `imvec extract`.")
    Path run;

    @Option(names = "--layer", description = "The stored layer of --run to analyse.")
    String layer;

    @Option(names = "--embeddings", description = "An N×D .npy file (instead of --run).")
    Path embeddings;

    @Option(names = "--labels", description = "N integer class labels as .npy (with --embeddings; optional for pca and tsne).")
    Path labels;

    @Option(names = "--classes", description = "Class names, one a line (with --embeddings; default: the label values).")
    Path classes;

    /** Rows and labels, for analyses that compare classes. */
    LabelledMatrix load() {
        return load(true);
    }

    /** Rows for analyses that need no classes (PCA, t-SNE): without --labels every row is one class. */
    LabelledMatrix loadLabelsOptional() {
        return load(false);
    }

    private LabelledMatrix load(boolean labelsNeeded) {
        if (run != null) {
            if (embeddings != null) throw new UserError("give either --run or --embeddings, not both.");
            if (layer == null) throw new UserError("--run needs --layer (see the layers in " + run.resolve("manifest.json") + ").");
            return LabelledMatrix.fromRun(run, layer);
        }
        if (embeddings == null) throw new UserError("say what to analyse: --run RUN --layer L, or --embeddings X.npy --labels y.npy.");
        if (labels == null && classes != null) throw new UserError("--classes names the values of --labels; give --labels too.");
        if (labels == null && !labelsNeeded) return LabelledMatrix.fromFile(embeddings);
        if (labels == null) throw new UserError("--embeddings needs --labels (N integer labels as .npy).");
        return LabelledMatrix.fromFiles(embeddings, labels, classes);
    }
}
