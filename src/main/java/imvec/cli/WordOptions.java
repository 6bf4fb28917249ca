package imvec.cli;

import imvec.words.WordVectorFormat;
import imvec.words.WordVectorFormats;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where word vectors come from and how class names become words. */
final class WordOptions {
    @Option(names = "--format", description = "Word-vector format: glove, word2vec-text, word2vec-binary, fasttext-vec or wink-json (default: detected).")
    String format;

    @Option(names = "--names", description = "TSV of class id, tab, names separated by ', ' (e.g. ImageNet synsets); a leading index column is skipped.")
    Path names;

    @Option(names = "--mapping", description = "TSV of concept, tab, the words to use; overrides everything else.")
    Path mapping;

    @Option(names = "--strict", description = "Fail when a class has no word vector instead of dropping it.")
    boolean strict;

    WordVectorFormat format() {
        return format == null ? null : WordVectorFormats.named(format);
    }
}
