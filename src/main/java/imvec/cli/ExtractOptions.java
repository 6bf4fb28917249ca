package imvec.cli;

import imvec.extract.LayerRequest;
import imvec.extract.Pool;
import imvec.model.Backbone;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * What to extract and how, shared by {@code extract} and {@code spark-extract} (a picocli mixin),
 * so both take the same flags with the same defaults; where the images come from and where the
 * rows go stay with each command, since their forms differ.
 */
final class ExtractOptions {
    @Option(names = "--labels", paramLabel = "FILE.csv",
            description = "Relabel the images by a path,label CSV (e.g. an explorer run's labels.csv): keep the images it names, with its labels.")
    Path labels;

    @Option(names = "--layers", required = true, split = ",",
            description = "Layers to store, comma-separated; NAME@avg|max|flatten pools one layer; 'input' is the preprocessed pixels; 'all' is every layer.")
    List<String> layers;

    @Option(names = "--pool", defaultValue = "avg", description = "Pooling of spatial maps: avg, max or flatten (default ${DEFAULT-VALUE}).")
    String pool;

    @Option(names = "--topk", defaultValue = "0", description = "Store the top K predictions of the classifier output.")
    int topk;

    @Option(names = "--topk-layer", description = "The classifier output for --topk (default: the card's output layer, or 'probabilities').")
    String topkLayer;

    @Option(names = "--model-classes", description = "One class id per line in the model's output order, to name predictions in the dataset's class ids.")
    Path modelClasses;

    @Option(names = "--batch", defaultValue = "32", description = "Images per inference batch (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--force", description = "Replace a finished or unfinished run made with other settings.")
    boolean force;

    @Option(names = "--seed", defaultValue = "0", description = "Recorded in the manifest (extraction itself is deterministic).")
    long seed;

    /** The requested layers of {@code model}, each with its pooling. */
    List<LayerRequest> layers(Backbone model) {
        return LayerRequest.parseAll(layers, Pool.parse(pool), model);
    }

    /** The --model-classes file's lines, or null when it is not given. */
    List<String> modelClasses() {
        return modelClasses == null ? null : ModelOptions.readLines(modelClasses);
    }
}
