package imvec.data;

import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Specs joined with {@code +} read as one set (same class list). A spec ending in {@code #labels=FILE}
 * is relabelled by that {@code path,label} CSV ({@link RelabelledSet}).
 * A leading {@code ~/} in a path means the home directory. Any spec may end in {@code [:N]} (its
 * first N images) or {@code [spread N]} (N images spread evenly over it, so a class-sorted folder
 * keeps every class): the suffixes the subsets themselves record, so a manifest's spec reopens.
 */
public final class DataSpecs {
    public static final String SYNTAX = "fashion-mnist:train|test, idx:IMAGES,LABELS, "
            + "cifar10-binary:DIR[:train|:test], cifar100-binary:DIR[:train|:test][#coarse], "
            + "folder:PATH (a directory, .tar, .tar.gz or .tgz), each optionally ending in [:N] or [spread N]; "
            + "join specs with + (same classes); end with #labels=FILE.csv to relabel";

    private static final String COARSE = "#coarse";
    private static final Pattern SUBSET = Pattern.compile("(.+)\\[(:|spread )(\\d{1,9})]");
    /** A '+' followed by a scheme joins two specs; a '+' inside a folder's name does not. */
    private static final Pattern JOIN = Pattern.compile("\\+(?=(?:fashion-mnist|idx|cifar10-binary|cifar100-binary|folder):)");

    private DataSpecs() {
    }

    /**
     * Opens {@code spec}; {@code labelsCsv} (nullable) relabels it ({@link RelabelledSet}: the images
     * it names, with its labels), as a spec ending in {@code #labels=FILE} does.
     */
    public static ImageSet open(String spec, Path labelsCsv) {
        return open(spec, labelsCsv, Downloader.Progress.NONE);
    }

    /** As {@link #open(String, Path)}, reporting any download (Fashion-MNIST) to {@code progress}. */
    public static ImageSet open(String spec, Path labelsCsv, Downloader.Progress progress) {
        if (spec == null || spec.isBlank()) {
            throw new UserError("no data spec given; use one of " + SYNTAX);
        }
        Matcher subset = SUBSET.matcher(spec);
        if (subset.matches() && isWholeSpec(subset.group(1))) {
            int n = Integer.parseInt(subset.group(3));
            if (n < 1) throw new UserError("data spec '" + spec + "' asks for " + n + " images; ask for at least 1.");
            ImageSet base = open(subset.group(1), labelsCsv, progress);
            return subset.group(2).equals(":") ? IndexedSubset.head(base, n) : IndexedSubset.spread(base, n);
        }
        int fragment = spec.lastIndexOf(RelabelledSet.FRAGMENT);
        if (fragment >= 0) {
            Path named = path(requireArgument(spec, spec.substring(fragment + RelabelledSet.FRAGMENT.length())));
            if (labelsCsv != null && !sameFile(named, labelsCsv)) {
                throw new UserError("data spec '" + spec + "' already takes its labels from " + named
                        + ", and --labels names another file, " + labelsCsv + "; give one of them.");
            }
            return RelabelledSet.of(open(spec.substring(0, fragment), null, progress), named);
        }
        if (labelsCsv != null) return RelabelledSet.of(open(spec, null, progress), labelsCsv);
        String[] joined = JOIN.split(spec);
        if (joined.length > 1) {
            List<ImageSet> parts = new ArrayList<>();
            for (String one : joined) parts.add(open(one.strip(), null, progress));
            return JoinedSet.of(spec, parts);
        }
        int colon = spec.indexOf(':');
        String scheme = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        return switch (scheme) {
            case "fashion-mnist" -> new FashionMnist().open(requireArgument(spec, rest), progress);
            case "idx" -> openIdx(spec, rest);
            case "cifar10-binary" -> openCifar10(spec, rest);
            case "cifar100-binary" -> openCifar100(spec, rest);
            case "folder" -> FolderSet.openAs(path(requireArgument(spec, rest)), spec);
            default -> throw new UserError("unknown data spec '" + spec + "'; use one of " + SYNTAX);
        };
    }

    /**
     * Whether a subset suffix after {@code base} takes a subset of all of it: yes for a single spec
     * or a relabelled one; in {@code a[:5]+b[:5]} the suffix belongs to the last part only.
     */
    private static boolean isWholeSpec(String base) {
        return base.contains(RelabelledSet.FRAGMENT) || JOIN.split(base).length == 1;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
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
