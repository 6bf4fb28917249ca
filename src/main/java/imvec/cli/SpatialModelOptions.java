package imvec.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What every command that applies a trained spatial model reads: the model, the images and the word vectors. */
final class SpatialModelOptions {
    @Option(names = "--model", required = true, description = "Model directory from `imvec spatial train`.")
    Path model;

    @Option(names = "--data", required = true, description = "Images (any data spec, or multilabel:CSV).")
    String data;

    @Option(names = "--words", required = true, description = "Word vectors file (the model's dimension).")
    Path words;

    @Option(names = "--names", description = "TSV of class id → names (e.g. ImageNet synsets).")
    Path names;
}
