package imvec.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10, binary version ({@code cifar-10-batches-bin}): {@code data_batch_1..5.bin} for
 * train, {@code test_batch.bin} for test; each row is one label byte and a 32×32 RGB image.
 */
public final class Cifar10Set implements ImageSet {
    /** The class names in label order, as in {@code batches.meta.txt}. */
    public static final List<String> STANDARD_CLASSES = List.of(
            "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    public static final String ARCHIVE_DIR = "cifar-10-batches-bin";

    private final String spec;
    private final String split;
    private final List<String> classes;
    private final CifarRows rows;

    private Cifar10Set(String spec, String split, List<String> classes, CifarRows rows) {
        this.spec = spec;
        this.split = split;
        this.classes = classes;
        this.rows = rows;
    }

    /**
     * Opens {@code split} (train or test) from {@code dir}, the batches folder or its parent.
     * Class names come from {@code batches.meta.txt}, else {@link #STANDARD_CLASSES}.
     */
    public static Cifar10Set open(Path dir, String split) {
        CifarRows.requireSplit(split, "cifar10-binary");
        List<String> files = batchFiles(split);
        Path root = CifarRows.resolveDir(dir, files.get(0), ARCHIVE_DIR, "CIFAR-10");
        List<Path> paths = files.stream().map(root::resolve).toList();
        List<String> classes = CifarRows.namesOr(root.resolve("batches.meta.txt"), STANDARD_CLASSES);
        CifarRows rows = CifarRows.load(paths, 1);
        rows.checkLabels(0, classes, "", root);
        return new Cifar10Set("cifar10-binary:" + dir + ":" + split, split, classes, rows);
    }

    private static List<String> batchFiles(String split) {
        if (split.equals("test")) {
            return List.of("test_batch.bin");
        }
        List<String> names = new ArrayList<>();
        for (int b = 1; b <= 5; b++) {
            names.add("data_batch_" + b + ".bin");
        }
        return names;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return rows.size();
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    @Override
    public int label(int index) {
        return rows.labelByte(index, 0);
    }

    @Override
    public String id(int index) {
        return split + ":" + index;
    }

    @Override
    public Image read(int index) {
        return rows.image(index);
    }
}
