package imvec.data;

import imvec.util.UserError;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Zalando's Fashion-MNIST: 70,000 greyscale 28×28 clothing images in 10 classes. Read from the
 * Debian package {@code dataset-fashion-mnist} when installed, else from (or downloaded into)
 * {@code $IMVEC_DATA/fashion-mnist}, default {@code ~/.imvec/data/fashion-mnist}.
 */
public final class FashionMnist {
    /** Label k names {@code CLASSES.get(k)}, as in the dataset's README. */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final URI OFFICIAL_BASE_URL = URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /**
     * The official files as served from {@link #OFFICIAL_BASE_URL}. The MD5s are those the
     * dataset's README publishes. The SHA-256s were computed from the Debian package's files
     * after restoring the gzip header that Debian's build rewrites (strip-nondeterminism sets
     * the mtime to the package date and drops the stored file name; the deflate stream is
     * untouched): with {@link #mtime} and the name restored, each file's MD5 equals the
     * published one, so the SHA-256 is that of the official file.
     */
    public record OfficialFile(String name, long size, String md5, String sha256, long mtime) {
        public String gzName() {
            return name + ".gz";
        }
    }

    public static final OfficialFile TRAIN_IMAGES = new OfficialFile("train-images-idx3-ubyte", 26_421_880,
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 1_504_176_606L);
    public static final OfficialFile TRAIN_LABELS = new OfficialFile("train-labels-idx1-ubyte", 29_515,
            "25c81989df183df01b3e8a0aad5dffbe",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 1_504_176_606L);
    public static final OfficialFile TEST_IMAGES = new OfficialFile("t10k-images-idx3-ubyte", 4_422_102,
            "bef4ecab320f06d8554ea6380940ec79",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 1_504_176_627L);
    public static final OfficialFile TEST_LABELS = new OfficialFile("t10k-labels-idx1-ubyte", 5_148,
            "bb300cfdad3c16e7a12a480ee83cd310",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 1_504_176_627L);

    private final Path debianDir;
    private final Path dataDir;
    private final URI baseUrl;
    private final Downloader downloader;

    /** Where this machine keeps Fashion-MNIST: the Debian package, else the imvec data directory. */
    public FashionMnist() {
        this(DEBIAN_DIR, defaultDataDir(), OFFICIAL_BASE_URL, new Downloader());
    }

    public FashionMnist(Path debianDir, Path dataDir, URI baseUrl, Downloader downloader) {
        this.debianDir = debianDir;
        this.dataDir = dataDir;
        this.baseUrl = baseUrl;
        this.downloader = downloader;
    }

    /** {@code $IMVEC_DATA/fashion-mnist}, or {@code ~/.imvec/data/fashion-mnist} without it. */
    public static Path defaultDataDir() {
        String env = System.getenv("IMVEC_DATA");
        Path root = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".imvec", "data");
        return root.resolve("fashion-mnist");
    }

    /** Opens split {@code train} (60,000 images) or {@code test} (10,000). */
    public ImageSet open(String split, Downloader.Progress progress) {
        OfficialFile[] files = filesOf(split);
        Path images = locate(files[0], progress);
        Path labels = locate(files[1], progress);
        return IdxSet.read(images, labels, "fashion-mnist:" + split, split + ":", CLASSES);
    }

    private static OfficialFile[] filesOf(String split) {
        return switch (split) {
            case "train" -> new OfficialFile[] {TRAIN_IMAGES, TRAIN_LABELS};
            case "test" -> new OfficialFile[] {TEST_IMAGES, TEST_LABELS};
            default -> throw new UserError("fashion-mnist has splits train and test, not '" + split + "'");
        };
    }

    /**
     * Files the user put in the data directory are trusted (gzipped or not): the IDX reader
     * still checks their structure, and hashing them on every open would cost more than it saves.
     */
    private Path locate(OfficialFile file, Downloader.Progress progress) {
        for (Path candidate : List.of(debianDir.resolve(file.gzName()), dataDir.resolve(file.gzName()),
                dataDir.resolve(file.name()))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        String remedy = "install the Debian package dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist)"
                + " or put " + file.gzName() + " from " + OFFICIAL_BASE_URL + " into " + dataDir;
        return downloader.fetch(new Downloader.Item(baseUrl.resolve(file.gzName()), dataDir.resolve(file.gzName()),
                file.sha256(), remedy), progress);
    }
}
