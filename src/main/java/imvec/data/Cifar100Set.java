package imvec.data;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * CIFAR-100, binary version ({@code cifar-100-binary}): {@code train.bin} and {@code test.bin},
 * rows of a coarse label byte, a fine label byte and a 32×32 RGB image. {@link #label} is the
 * fine label (100 classes); the 20 superclasses are {@link #coarseLabel} / {@link #coarseClasses}.
 */
public final class Cifar100Set implements ImageSet {
    public static final String ARCHIVE_DIR = "cifar-100-binary";

    /** Fine class names in label order, as in {@code fine_label_names.txt}. */
    public static final List<String> STANDARD_FINE_CLASSES = List.of(
            "apple", "aquarium_fish", "baby", "bear", "beaver", "bed", "bee", "beetle", "bicycle", "bottle",
            "bowl", "boy", "bridge", "bus", "butterfly", "camel", "can", "castle", "caterpillar", "cattle",
            "chair", "chimpanzee", "clock", "cloud", "cockroach", "couch", "crab", "crocodile", "cup", "dinosaur",
            "dolphin", "elephant", "flatfish", "forest", "fox", "girl", "hamster", "house", "kangaroo", "keyboard",
            "lamp", "lawn_mower", "leopard", "lion", "lizard", "lobster", "man", "maple_tree", "motorcycle", "mountain",
            "mouse", "mushroom", "oak_tree", "orange", "orchid", "otter", "palm_tree", "pear", "pickup_truck", "pine_tree",
            "plain", "plate", "poppy", "porcupine", "possum", "rabbit", "raccoon", "ray", "road", "rocket",
            "rose", "sea", "seal", "shark", "shrew", "skunk", "skyscraper", "snail", "snake", "spider",
            "squirrel", "streetcar", "sunflower", "sweet_pepper", "table", "tank", "telephone", "television", "tiger", "tractor",
            "train", "trout", "tulip", "turtle", "wardrobe", "whale", "willow_tree", "wolf", "woman", "worm");

    /** Superclass names in label order, as in {@code coarse_label_names.txt}. */
    public static final List<String> STANDARD_COARSE_CLASSES = List.of(
            "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables",
            "household_electrical_devices", "household_furniture", "insects", "large_carnivores",
            "large_man-made_outdoor_things", "large_natural_outdoor_scenes", "large_omnivores_and_herbivores",
            "medium_mammals", "non-insect_invertebrates", "people", "reptiles", "small_mammals", "trees",
            "vehicles_1", "vehicles_2");

    private static final int COARSE = 0;
    private static final int FINE = 1;

    private final String spec;
    private final String split;
    private final List<String> fineClasses;
    private final List<String> coarseClasses;
    private final CifarRows rows;

    private Cifar100Set(String spec, String split, List<String> fine, List<String> coarse, CifarRows rows) {
        this.spec = spec;
        this.split = split;
        this.fineClasses = fine;
        this.coarseClasses = coarse;
        this.rows = rows;
    }

    /**
     * Opens {@code split} (train or test) from {@code dir}, the {@code cifar-100-binary} folder or
     * its parent. Names come from the label-names files there, else the standard names.
     */
    public static Cifar100Set open(Path dir, String split) {
        CifarRows.requireSplit(split, "cifar100-binary");
        String file = split + ".bin";
        Path root = CifarRows.resolveDir(dir, file, ARCHIVE_DIR, "CIFAR-100");
        List<String> fine = CifarRows.namesOr(root.resolve("fine_label_names.txt"), STANDARD_FINE_CLASSES);
        List<String> coarse = CifarRows.namesOr(root.resolve("coarse_label_names.txt"), STANDARD_COARSE_CLASSES);
        CifarRows rows = CifarRows.load(List.of(root.resolve(file)), 2);
        rows.checkLabels(COARSE, coarse, "coarse ", root);
        rows.checkLabels(FINE, fine, "fine ", root);
        return new Cifar100Set("cifar100-binary:" + dir + ":" + split, split, fine, coarse, rows);
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return rows.size();
    }

    /** The fine class names. */
    @Override
    public List<String> classes() {
        return fineClasses;
    }

    /** The fine label. */
    @Override
    public int label(int index) {
        return rows.labelByte(index, FINE);
    }

    public int coarseLabel(int index) {
        return rows.labelByte(index, COARSE);
    }

    public List<String> coarseClasses() {
        return coarseClasses;
    }

    /** The fine labels occurring under superclass {@code coarse}, ascending (five in the real data). */
    public int[] fineLabelsOf(int coarse) {
        boolean[] seen = new boolean[fineClasses.size()];
        for (int i = 0; i < size(); i++) {
            if (coarseLabel(i) == coarse) {
                seen[label(i)] = true;
            }
        }
        return IntStream.range(0, seen.length).filter(k -> seen[k]).toArray();
    }

    /** The same images labelled by superclass; its spec ends in {@code #coarse}. */
    public ImageSet coarse() {
        Cifar100Set fine = this;
        return new ImageSet() {
            @Override
            public String spec() {
                return fine.spec + "#coarse";
            }

            @Override
            public int size() {
                return fine.size();
            }

            @Override
            public List<String> classes() {
                return fine.coarseClasses;
            }

            @Override
            public int label(int index) {
                return fine.coarseLabel(index);
            }

            @Override
            public String id(int index) {
                return fine.id(index);
            }

            @Override
            public Image read(int index) {
                return fine.read(index);
            }
        };
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
