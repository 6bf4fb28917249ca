package imvec.data;

import imvec.util.UserError;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens an {@link ImageSet} from a one-line spec, the form the CLI takes and the manifest records:
 * <ul>
 *   <li>{@code fashion-mnist:train} / {@code fashion-mnist:test}</li>
 *   <li>{@code idx:IMAGES,LABELS} — IDX files, gzipped or raw</li>
 *   <li>{@code cifar10-binary:DIR[:train|:test]} — default train</li>
 *   <li>{@code cifar100-binary:DIR[:train|:test][#coarse]} — fine labels, or superclasses with {@code #coarse}</li>
 *   <li>{@code folder:PATH} — a directory, {@code .tar}, {@code .tar.gz} or {@code .tgz} of image files</li>
 * </ul>
 * A leading {@code ~/} in a path means the home directory. Any spec may end in {@code [:N]} (its
 * first N images) or {@code [spread N]} (N images spread evenly over it, so a class-sorted folder
 * keeps every class): the suffixes the subsets themselves record, so a manifest's spec reopens.
 */
public final class DataSpecs {
    public static final String SYNTAX = "fashion-mnist:train|test, idx:IMAGES,LABELS, "
            + "cifar10-binary:DIR[:train|:test], cifar100-binary:DIR[:train|:test][#coarse], "
            + "folder:PATH (a directory, .tar, .tar.gz or .tgz), each optionally ending in [:N] or [spread N]";

    private static final String COARSE = "#coarse";
    private static final Pattern SUBSET = Pattern.compile("(.+)\\[(:|spread )(\\d{1,9})]");

    private DataSpecs() {
    }

    /** Opens {@code spec}; {@code labelsCsv} (nullable) relabels a folder: set. */
    public static ImageSet open(String spec, Path labelsCsv) {
        return open(spec, labelsCsv, Downloader.Progress.NONE);
    }

    /** As {@link #open(String, Path)}, reporting any download (Fashion-MNIST) to {@code progress}. */
    public static ImageSet open(String spec, Path labelsCsv, Downloader.Progress progress) {
        if (spec == null || spec.isBlank()) {
            throw new UserError("no data spec given; use one of " + SYNTAX);
        }
        Matcher subset = SUBSET.matcher(spec);
        if (subset.matches()) {
            int n = Integer.parseInt(subset.group(3));
            if (n < 1) throw new UserError("data spec '" + spec + "' asks for " + n + " images; ask for at least 1.");
            ImageSet base = open(subset.group(1), labelsCsv, progress);
            return subset.group(2).equals(":") ? IndexedSubset.head(base, n) : IndexedSubset.spread(base, n);
        }
        int colon = spec.indexOf(':');
        String scheme = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        if (labelsCsv != null && !scheme.equals("folder")) {
            throw new UserError("a labels CSV (" + labelsCsv + ") relabels folder: specs only, not " + spec);
        }
        return switch (scheme) {
            case "fashion-mnist" -> new FashionMnist().open(requireArgument(spec, rest), progress);
            case "idx" -> openIdx(spec, rest);
            case "cifar10-binary" -> openCifar10(spec, rest);
            case "cifar100-binary" -> openCifar100(spec, rest);
            case "folder" -> FolderSet.open(path(requireArgument(spec, rest)), labelsCsv, spec);
            default -> throw new UserError("unknown data spec '" + spec + "'; use one of " + SYNTAX);
        };
    }

    private static ImageSet openIdx(String spec, String rest) {
        String[] parts = requireArgument(spec, rest).split(",", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new UserError("data spec '" + spec + "' must name two files: idx:IMAGES,LABELS");
        }
        return IdxSet.read(path(parts[0]), path(parts[1]), spec, path(parts[0]).getFileName() + ":", null);
    }

    private static ImageSet openCifar10(String spec, String rest) {
        if (rest.endsWith(COARSE)) {
            throw new UserError("data spec '" + spec + "': #coarse applies to cifar100-binary only");
        }
        String[] dirAndSplit = dirAndSplit(spec, rest);
        return Cifar10Set.open(path(dirAndSplit[0]), dirAndSplit[1]);
    }

    private static ImageSet openCifar100(String spec, String rest) {
        boolean coarse = rest.endsWith(COARSE);
        String[] dirAndSplit = dirAndSplit(spec, coarse ? rest.substring(0, rest.length() - COARSE.length()) : rest);
        Cifar100Set set = Cifar100Set.open(path(dirAndSplit[0]), dirAndSplit[1]);
        return coarse ? set.coarse() : set;
    }

    /** {@code DIR}, {@code DIR:train} or {@code DIR:test}; the split suffix is optional and defaults to train. */
    private static String[] dirAndSplit(String spec, String rest) {
        requireArgument(spec, rest);
        for (String split : new String[] {"train", "test"}) {
            if (rest.endsWith(":" + split)) {
                return new String[] {requireArgument(spec, rest.substring(0, rest.length() - split.length() - 1)), split};
            }
        }
        return new String[] {rest, "train"};
    }

    private static String requireArgument(String spec, String argument) {
        if (argument.isBlank()) {
            throw new UserError("data spec '" + spec + "' is incomplete; use one of " + SYNTAX);
        }
        return argument;
    }

    private static Path path(String text) {
        String expanded = text.equals("~") || text.startsWith("~/")
                ? System.getProperty("user.home") + text.substring(1)
                : text;
        try {
            return Path.of(expanded);
        } catch (InvalidPathException e) {
            throw new UserError("'" + text + "' is not a valid path (" + e.getReason() + ")", e);
        }
    }
}
