package imvec.cli;

import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.util.UserError;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * {@code --labels FILE.csv} for commands that read one labelled set (a picocli mixin): the labels a
 * person gave in the explorer ({@code RUN/labels.csv}) or any {@code path,label} CSV relabel
 * {@code --data}, keeping the images the CSV names.
 */
final class RelabelOption {
    @Option(names = "--labels", paramLabel = "FILE.csv",
            description = "Relabel --data by a path,label CSV (e.g. an explorer run's labels.csv): keep the images it names, with its labels.")
    Path labels;

    /** Opens {@code spec}, relabelled when {@code --labels} was given. */
    ImageSet open(String spec) {
        return DataSpecs.open(spec, labels);
    }

    /**
     * A relabelled training set has its own classes, which the default test split does not share,
     * so the test set must then be named.
     */
    void requireTestWhenRelabelled(String test) {
        if (labels != null && test == null) {
            throw new UserError("--labels relabels --data only, so name the test set with --test (a spec ending in #labels="
                    + labels + " relabels it too), or --test none where that is allowed.");
        }
    }
}
