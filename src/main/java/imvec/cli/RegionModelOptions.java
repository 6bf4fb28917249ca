package imvec.cli;

import imvec.report.RegionViews;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** What the region analyses read: the model and the images; word vectors only where a word is asked for. */
final class RegionModelOptions {
    @Option(names = "--model", required = true, description = "Model directory from `imvec spatial train` (a spatial head).")
    Path model;

    @Option(names = "--data", required = true, description = "Images (any data spec, or multilabel:CSV).")
    String data;

    @Option(names = "--words", description = "Word vectors file (the model's dimension); needed with --word.")
    Path words;

    @Option(names = "--names", description = "TSV of class id → names (e.g. ImageNet synsets).")
    Path names;

    RegionViews.Inputs inputs() {
        return new RegionViews.Inputs(model, data, words, names);
    }
}
