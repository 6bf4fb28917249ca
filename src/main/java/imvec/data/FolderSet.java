package imvec.data;

import imvec.util.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Image files under a directory or inside a {@code .tar}/{@code .tar.gz}/{@code .tgz}, found
 * recursively. An image's label is its parent folder's name; images directly under the root
 * take the file name up to the first {@code _} (ImageNet style {@code n01440764_tench.JPEG}).
 * A labels CSV replaces these labels and restricts the set to the images it lists. Ids are
 * paths relative to the root with {@code /}; images are in id order, classes in name order.
 */
public final class FolderSet implements ImageSet {
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    /** Fetches the encoded bytes of image {@code index}; safe to call from several threads. */
    private interface Source {
        byte[] bytes(int index) throws IOException;

        /**
         * The bytes of image {@code index} in the first {@link Encoded#length} entries of an array
         * that may be this thread's reused buffer, valid until the thread's next call.
         */
        Encoded reused(int index) throws IOException;
    }

    /** Encoded file bytes: the first {@code length} entries of {@code bytes}. */
    private record Encoded(byte[] bytes, int length) {
    }

    /** Files on disk: extraction reads each into a per-thread buffer, so a file costs no heap allocation. */
    private record OnDisk(Path[] paths, ThreadLocal<byte[]> buffer) implements Source {
        /** A bigger file gets its own array, so a rare huge one does not stay allocated for every thread. */
        private static final int MAX_REUSED_BYTES = 16 << 20;

        OnDisk(Path[] paths) {
            this(paths, ThreadLocal.withInitial(() -> new byte[256 << 10]));
        }

        @Override
        public byte[] bytes(int index) throws IOException {
            return Files.readAllBytes(paths[index]);
        }

        @Override
        public Encoded reused(int index) throws IOException {
            try (FileChannel in = FileChannel.open(paths[index])) {
                long size = in.size();
                if (size > MAX_REUSED_BYTES) {
                    byte[] own = bytes(index);
                    return new Encoded(own, own.length);
                }
                byte[] buf = buffer.get();
                if (buf.length < size) {
                    buf = new byte[(int) Math.min(MAX_REUSED_BYTES, Math.max(size, buf.length * 2L))];
                    buffer.set(buf);
                }
                ByteBuffer into = ByteBuffer.wrap(buf, 0, (int) size);
                while (into.hasRemaining() && in.read(into) >= 0) {
                    // a read may return fewer bytes than asked; the loop ends at the size or the end of the file
                }
                return new Encoded(buf, into.position());
            }
        }
    }

    /** Archive entries already in memory, one exact-length array each. */
    private record InMemory(byte[][] blobs) implements Source {
        @Override
        public byte[] bytes(int index) {
            return blobs[index];
        }

        @Override
        public Encoded reused(int index) {
            return new Encoded(blobs[index], blobs[index].length);
        }
    }

    /** Ids in order, their labels, and the sorted class names. */
    private record Labelled(String[] ids, int[] labels, List<String> classes) {
    }

    private final String spec;
    private final Labelled labelled;
    private final Source source;

    private FolderSet(String spec, Labelled labelled, Source source) {
        this.spec = spec;
        this.labelled = labelled;
        this.source = source;
    }

    /** Opens a directory or tar archive, labelled by its folders. */
    public static FolderSet open(Path path) {
        return openAs(path, "folder:" + path);
    }

    /** Opens a directory or tar archive; {@code labelsCsv} (nullable) relabels it ({@link RelabelledSet}). */
    public static ImageSet open(Path path, Path labelsCsv) {
        FolderSet set = open(path);
        return labelsCsv == null ? set : RelabelledSet.of(set, labelsCsv);
    }

    static FolderSet openAs(Path path, String spec) {
        if (Files.isDirectory(path)) {
            SortedMap<String, Path> files = listDirectory(path);
            Labelled labelled = label(spec, files.keySet());
            Path[] paths = Arrays.stream(labelled.ids()).map(files::get).toArray(Path[]::new);
            return new FolderSet(spec, labelled, new OnDisk(paths));
        }
        if (!Files.exists(path)) {
            throw new UserError(path + " does not exist (from data spec " + spec + ")");
        }
        if (!isTarName(path)) {
            throw new UserError(path + " is neither a directory nor a .tar, .tar.gz or .tgz archive, so "
                    + spec + " cannot read it");
        }
        SortedMap<String, byte[]> entries = readTar(path);
        Labelled labelled = label(spec, entries.keySet());
        byte[][] blobs = Arrays.stream(labelled.ids()).map(entries::get).toArray(byte[][]::new);
        return new FolderSet(spec, labelled, new InMemory(blobs));
    }

    private static Labelled label(String spec, Set<String> found) {
        if (found.isEmpty()) {
            throw new UserError(spec + " holds no image files (" + String.join(", ", new TreeSet<>(EXTENSIONS))
                    + "), subfolders included");
        }
        SortedMap<String, String> byId = labelsFromPaths(found);
        List<String> classes = List.copyOf(new TreeSet<>(byId.values()));
        String[] ids = byId.keySet().toArray(String[]::new);
        int[] labels = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            labels[i] = Collections.binarySearch(classes, byId.get(ids[i]));
        }
        return new Labelled(ids, labels, classes);
    }

    private static SortedMap<String, String> labelsFromPaths(Set<String> ids) {
        SortedMap<String, String> labelled = new TreeMap<>();
        for (String id : ids) {
            labelled.put(id, labelOf(id));
        }
        return labelled;
    }

    /** The parent folder's name, or for a file directly under the root its name up to the first '_'. */
    public static String labelOf(String id) {
        int slash = id.lastIndexOf('/');
        if (slash >= 0) {
            String parent = id.substring(0, slash);
            return parent.substring(parent.lastIndexOf('/') + 1);
        }
        int underscore = id.indexOf('_');
        int dot = id.lastIndexOf('.');
        return id.substring(0, underscore > 0 ? underscore : dot > 0 ? dot : id.length());
    }

    private static SortedMap<String, Path> listDirectory(Path root) {
        SortedMap<String, Path> files = new TreeMap<>();
        try {
            Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            // A .git or __MACOSX folder can be large and never holds the data set.
                            return dir.equals(root) || isVisible(dir.getFileName().toString())
                                    ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            String id = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                            if (attrs.isRegularFile() && isImageId(id)) {
                                files.put(id, file);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw walkError(root, e);
        }
        return files;
    }

    private static UserError walkError(Path root, IOException e) {
        if (e instanceof FileSystemLoopException loop) {
            return new UserError(root + " contains a symbolic-link loop at " + loop.getFile(), e);
        }
        return new UserError("cannot list the images under " + root + " (" + DataFiles.describe(e) + ")", e);
    }

    /** Reads every image entry once; the archive is not reopened per image, which keeps reads random-access. */
    private static SortedMap<String, byte[]> readTar(Path archive) {
        SortedMap<String, byte[]> entries = new TreeMap<>();
        try (InputStream in = DataFiles.openMaybeGzipped(archive);
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                String id = LabelsCsv.normalise(e.getName());
                if (e.isFile() && isImageId(id)) {
                    entries.put(id, tar.readAllBytes());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(archive + " is not a readable tar archive (" + DataFiles.describe(e) + ")", e);
        }
        return entries;
    }

    /**
     * Hidden files and macOS resource forks ({@code ._x.jpg}, {@code __MACOSX/}) carry image
     * extensions but no images, so they are skipped rather than reported as unreadable.
     */
    public static boolean isImageId(String id) {
        for (String part : id.split("/")) {
            if (!isVisible(part)) {
                return false;
            }
        }
        int dot = id.lastIndexOf('.');
        return dot >= 0 && EXTENSIONS.contains(id.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean isVisible(String name) {
        return !name.startsWith(".") && !name.equals("__MACOSX");
    }

    private static boolean isTarName(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".tar") || name.endsWith(".tar.gz") || name.endsWith(".tgz");
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public int size() {
        return labelled.ids().length;
    }

    @Override
    public List<String> classes() {
        return labelled.classes();
    }

    @Override
    public int label(int index) {
        return labelled.labels()[index];
    }

    @Override
    public String id(int index) {
        return labelled.ids()[index];
    }

    @Override
    public Image read(int index) throws UnreadableImageException {
        return read(index, 0, 0);
    }

    @Override
    public Image read(int index, int minWidth, int minHeight) throws UnreadableImageException {
        return Images.decode(bytes(index), id(index), minWidth, minHeight);
    }

    @Override
    public void readInto(int index, Preprocess pre, float[] dst, int offset) throws UnreadableImageException {
        Encoded e;
        try {
            e = source.reused(index);
        } catch (IOException ex) {
            throw new UnreadableImageException(id(index), "cannot read the file (" + DataFiles.describe(ex) + ")");
        }
        Images.decodeInto(e.bytes(), e.length(), id(index), pre, dst, offset);
    }

    private byte[] bytes(int index) throws UnreadableImageException {
        try {
            return source.bytes(index);
        } catch (IOException e) {
            throw new UnreadableImageException(id(index), "cannot read the file (" + DataFiles.describe(e) + ")");
        }
    }
}
