package imvec.spatial;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import imvec.analysis.RegionVectors;
import imvec.data.MultiLabelSet;
import imvec.data.Preprocess;
import imvec.model.Backbone;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;
import imvec.words.LabelVectors;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;

/**
 * A collection's region embeddings on disk, memory-mapped, for scoring any word without the
 * backbone and without holding the collection in the heap. Built once, batch by batch straight
 * from the images (the backbone's maps of one batch at a time), in a directory of {@code .npy}
 * files and a {@code regions.json} written last: a directory without a complete {@code regions.json}
 * whose sizes match is not a cache and is rebuilt.
 *
 * <p>Two layouts hold the same embeddings; the smaller per word is chosen from the head's shape.
 * <ul>
 * <li>{@link Layout#UNIT_BLOCKS}: each location's k blocks already scaled as the head scales them
 * ({@code e / √(|e|² + 1e-4)}), N × H·W × k·d values; a word costs k·d products per location.</li>
 * <li>{@link Layout#FACTORED}: the backbone map's C channels at each location (N × H·W × C) and the
 * k scale factors {@code 1 / √(|e|² + 1e-4)} of its blocks; since e = W·x + b, a block's cosine with
 * a word w is {@code scale · ((Wᵀw)·x + b·w)}: the same number, for C·k products per location. With
 * Fashion-MNIST's CNN (C = 64 against k·d = 500) this is 7.8 times smaller on disk.</li>
 * </ul>
 * Features are stored as float16 by default ({@link Storage}); scale factors and each image's
 * diversity (computed from the float32 embeddings during the build) as float32.
 */
public final class RegionCache {
    /** Bumped whenever the files' meaning changes, so an old cache is never read as a new one. */
    static final int FORMAT = 1;
    private static final String JSON_FILE = "regions.json";
    /** At most this many bytes per mapped buffer (a MappedByteBuffer is int-indexed). */
    private static final long CHUNK_BYTES = 1L << 30;

    /** How each location's embedding is stored. */
    public enum Layout {
        UNIT_BLOCKS, FACTORED;

        /** The layout with fewer products per word and location: C·k (factored) against k·d. */
        public static Layout of(CosineMapHead head) {
            return head.channels() < head.dims() ? FACTORED : UNIT_BLOCKS;
        }
    }

    /** The width of stored features. */
    public enum Storage {
        FLOAT16(2, "<f2"), FLOAT32(4, "<f4");

        final int bytes;
        final String descr;

        Storage(int bytes, String descr) {
            this.bytes = bytes;
            this.descr = descr;
        }
    }

    private final Path dir;
    private final CosineMapHead head;
    private final List<String> ids;
    private final Layout layout;
    private final Storage storage;
    private final int height, width, features;
    private final MappedByteBuffer[] featureChunks;
    private final int imagesPerChunk;
    private final MappedByteBuffer[] scaleChunks;
    private final int scaleImagesPerChunk;
    private final float[] diversity;

    private RegionCache(Path dir, CosineMapHead head, List<String> ids, Layout layout, Storage storage, int height, int width) throws IOException {
        this.dir = dir;
        this.head = head;
        this.ids = List.copyOf(ids);
        this.layout = layout;
        this.storage = storage;
        this.height = height;
        this.width = width;
        this.features = featuresPerLocation(head, layout);
        long perImage = (long) locations() * features * storage.bytes;
        this.imagesPerChunk = (int) Math.max(1, CHUNK_BYTES / perImage);
        this.featureChunks = map(dir.resolve("features.npy"), perImage, imagesPerChunk);
        if (layout == Layout.FACTORED) {
            long scalePerImage = (long) locations() * head.blocks() * 4;
            this.scaleImagesPerChunk = (int) Math.max(1, CHUNK_BYTES / scalePerImage);
            this.scaleChunks = map(dir.resolve("scales.npy"), scalePerImage, scaleImagesPerChunk);
        } else {
            this.scaleImagesPerChunk = 0;
            this.scaleChunks = null;
        }
        Npy.Array d = Npy.read(dir.resolve("diversity.npy"));
        if (d.rows() != ids.size()) throw new IOException("diversity.npy has " + d.rows() + " rows for " + ids.size() + " images");
        this.diversity = d.floats();
    }

    private static int featuresPerLocation(CosineMapHead head, Layout layout) {
        return layout == Layout.FACTORED ? head.channels() : head.blocks() * head.dims();
    }

    /** Maps {@code file}'s data in whole-image chunks; the data must be exactly N images of {@code perImage} bytes. */
    private MappedByteBuffer[] map(Path file, long perImage, int perChunk) throws IOException {
        Npy.Header h = Npy.header(file);
        long bytes = perImage * ids.size();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() != h.dataOffset() + bytes) throw new IOException(file + " holds " + (ch.size() - h.dataOffset()) + " bytes of data, not " + bytes);
            int chunks = (int) ((ids.size() + perChunk - 1) / perChunk);
            MappedByteBuffer[] out = new MappedByteBuffer[chunks];
            for (int c = 0; c < chunks; c++) {
                long from = (long) c * perChunk;
                long size = Math.min(perChunk, ids.size() - from) * perImage;
                out[c] = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + from * perImage, size);
                out[c].order(ByteOrder.LITTLE_ENDIAN);
            }
            return out;
        }
    }

    /**
     * What the embeddings depend on in the head: its 1×1 convolution's values, the layout and the
     * storage. The caller adds what the backbone maps depend on (backbone, tap, data, ids).
     */
    public static String headKey(CosineMapHead head, Storage storage) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(("imvec-regions-" + FORMAT + " " + Layout.of(head) + " " + storage + " " + head.channels() + " " + head.blocks()
                    + " " + head.dims() + "\n").getBytes(StandardCharsets.UTF_8));
            for (int p = 0; p < 2; p++) {
                float[] v = head.params().get(p).values();
                ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                md.update(b.array());
            }
            return HexFormat.of().formatHex(md.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The cache in {@code dir} if it is complete and made for this head, these ids and this
     * storage; null otherwise (absent, half-written, or another model's).
     */
    public static RegionCache open(Path dir, CosineMapHead head, List<String> ids, Storage storage) {
        Path json = dir.resolve(JSON_FILE);
        if (!Files.isRegularFile(json)) return null;
        try {
            JsonNode m = Manifest.json().readTree(json.toFile());
            Layout layout = Layout.valueOf(m.path("layout").asText());
            if (m.path("format").asInt() != FORMAT || m.path("images").asInt() != ids.size() || layout != Layout.of(head)
                    || !m.path("storage").asText().equals(storage.name()) || !m.path("head").asText().equals(headKey(head, storage))) {
                return null;
            }
            return new RegionCache(dir, head, ids, layout, storage, m.path("map_size").get(0).asInt(), m.path("map_size").get(1).asInt());
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable cache is rebuilt, not trusted
        }
    }

    /**
     * Builds the cache in {@code dir} from {@code scenes}' images: the backbone's {@code tap} map of
     * {@code batch} images at a time, the head's embedding of every location, the stored features,
     * scales and diversities. {@code done} hears images finished; {@code provenance} goes into
     * {@code regions.json} beside the layout and sizes.
     */
    public static RegionCache build(Path dir, SpatialJob.Tap tap, CosineMapHead head, MultiLabelSet scenes, Storage storage,
                                    Map<String, Object> provenance, int batch, int threads, LongConsumer done) throws IOException {
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve(JSON_FILE)); // from here on the directory is not a cache until rebuilt
        try (var old = Files.list(dir)) { // what a killed build left behind
            for (Path f : old.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) Files.deleteIfExists(f);
        }
        Layout layout = Layout.of(head);
        int n = scenes.size();
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) ids.add(scenes.id(i));
        float[] diversity = new float[n];
        int[] mapSize = new int[2];
        try (Backbone b = tap.open()) {
            Preprocess pre = b.card().preprocessing().build();
            AtomicFiles.Body scalesBody = scalesOut -> AtomicFiles.write(dir.resolve("features.npy"), featuresOut -> {
                boolean[] headers = {false};
                BackboneMaps.forEachBatch(b, tap.layer(), pre, scenes, batch, (from, maps) -> {
                    if (maps.channels() != head.channels()) {
                        throw new UserError("the backbone's tap " + tap.layer() + " gives " + maps.channels() + " channels but the head expects "
                                + head.channels() + ".");
                    }
                    if (!headers[0]) {
                        long hw = (long) maps.height() * maps.width();
                        featuresOut.write(Npy.header(storage.descr, n, hw, featuresPerLocation(head, layout)));
                        if (layout == Layout.FACTORED) scalesOut.write(Npy.header("<f4", n, hw, head.blocks()));
                        mapSize[0] = maps.height();
                        mapSize[1] = maps.width();
                        headers[0] = true;
                    }
                    writeBatch(head, layout, storage, maps, ids.subList(from, from + maps.n()), threads, featuresOut, scalesOut, diversity, from);
                    done.accept(from + maps.n());
                });
                if (n == 0) throw new UserError("the collection has no images to embed.");
            });
            if (layout == Layout.FACTORED) {
                AtomicFiles.write(dir.resolve("scales.npy"), scalesBody);
            } else {
                scalesBody.writeTo(OutputStream.nullOutputStream());
                Files.deleteIfExists(dir.resolve("scales.npy"));
            }
        }
        Npy.write(dir.resolve("diversity.npy"), diversity, n);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("layout", layout.name());
        m.put("storage", storage.name());
        m.put("images", n);
        m.put("map_size", List.of(mapSize[0], mapSize[1]));
        m.put("channels", head.channels());
        m.put("blocks", head.blocks());
        m.put("dims", head.dims());
        m.put("head", headKey(head, storage));
        m.putAll(provenance);
        AtomicFiles.writeString(dir.resolve(JSON_FILE), Manifest.json().writerWithDefaultPrettyPrinter().writeValueAsString(m));
        RegionCache c = open(dir, head, ids, storage);
        if (c == null) throw new IOException("the region cache just written to " + dir + " does not read back");
        return c;
    }

    private static void writeBatch(CosineMapHead head, Layout layout, Storage storage, FeatureMaps maps, List<String> ids, int threads,
                                   OutputStream featuresOut, OutputStream scalesOut, float[] diversity, int from) throws IOException {
        RegionEmbeddings e = RegionEmbeddings.compute(head, maps, ids, maps.n(), threads, SpatialModel.Precision.FLOAT32, d -> { });
        int hw = e.locations(), k = e.blocks(), d = e.dims(), c = maps.channels();
        float[] data = e.data();
        float[] scales = new float[maps.n() * hw * k];
        for (int b = 0; b < scales.length; b++) {
            float s = 0;
            for (int j = 0; j < d; j++) s += data[b * d + j] * data[b * d + j];
            scales[b] = (float) (1 / Math.sqrt(s + 1e-4)); // as Head.unit scales a block (the same floor)
        }
        for (int i = 0; i < maps.n(); i++) diversity[from + i] = (float) RegionVectors.diversity(data, e.offset(i), hw, k, d);
        float[] out;
        if (layout == Layout.UNIT_BLOCKS) {
            out = data;
            for (int b = 0; b < scales.length; b++) for (int j = 0; j < d; j++) out[b * d + j] *= scales[b];
        } else {
            // The maps are [C, H·W] per image; the cache keeps each location's channels side by side.
            out = new float[maps.n() * hw * c];
            float[] x = maps.data();
            for (int i = 0; i < maps.n(); i++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int q = 0; q < hw; q++) out[(i * hw + q) * c + ch] = x[(i * c + ch) * hw + q];
                }
            }
            scalesOut.write(bytes(scales, Storage.FLOAT32));
        }
        featuresOut.write(bytes(out, storage));
    }

    private static byte[] bytes(float[] v, Storage storage) {
        ByteBuffer b = ByteBuffer.allocate(v.length * storage.bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (storage == Storage.FLOAT32) {
            b.asFloatBuffer().put(v);
        } else {
            for (float f : v) {
                short h = Float.floatToFloat16(f);
                if (Float.isInfinite(Float.float16ToFloat(h)) && !Float.isInfinite(f)) {
                    throw new UserError("a region value of " + f + " does not fit in float16; build the cache as float32.");
                }
                b.putShort(h);
            }
        }
        return b.array();
    }

    public Path dir() {
        return dir;
    }

    public Layout layout() {
        return layout;
    }

    public Storage storage() {
        return storage;
    }

    public int size() {
        return ids.size();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public int locations() {
        return height * width;
    }

    /** Every image's diversity ({@link RegionVectors#diversity}), computed from the float32 embeddings. */
    public float[] diversity() {
        return diversity.clone();
    }

    /** The bytes the cache's files take on disk. */
    public long bytesOnDisk() {
        try (var s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Scores every image against {@code labels}: the same scores and localisation maps as the head
     * on the backbone's maps ({@link SpatialModel#score}), up to the stored features' rounding.
     * Reads the mapped files {@code batch} images at a time; {@code done} hears images finished.
     */
    public Scores score(LabelVectors labels, int batch, int threads, LongConsumer done) {
        if (labels.dims() != head.dims()) {
            throw new IllegalArgumentException(labels.dims() + "-dim label vectors for a head of " + head.dims() + " dims");
        }
        ai.djl.engine.Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
        int n = size(), l = labels.size(), hw = locations(), k = head.blocks(), d = head.dims();
        float[] logits = new float[n * l], maps = new float[Math.multiplyExact(n * l, hw)];
        Projection p = projection(labels);
        // Factored: a row per location of C channels; unit blocks: a row per block of d dims.
        int rowsPerImage = layout == Layout.FACTORED ? hw : hw * k, inner = layout == Layout.FACTORED ? features : d;
        float[] x = new float[Math.multiplyExact(batch, hw * features)];
        try (NDManager base = NDManager.newBaseManager("PyTorch")) {
            NDArray words = base.create(p.matrix, new Shape(inner, p.columns));
            for (int from = 0; from < n; from += batch) {
                int size = Math.min(batch, n - from);
                readFeatures(from, size, x);
                float[] cos;
                try (NDManager m = base.newSubManager()) {
                    NDArray a = m.create(java.nio.FloatBuffer.wrap(x, 0, size * hw * features),
                            new Shape((long) size * rowsPerImage, inner), DataType.FLOAT32);
                    cos = a.matMul(words).toFloatArray(); // [size, HW, k, L] in both layouts
                }
                if (layout == Layout.FACTORED) applyScales(cos, from, size, l, p.offsets);
                head.stack(cos, size, hw, l, maps, (long) from * l * hw, logits, (long) from * l);
                done.accept(from + size);
            }
        }
        float[] scores = new float[n * l];
        for (int i = 0; i < scores.length; i++) scores[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        return new Scores(ids, labels.names(), height, width, scores, maps);
    }

    /** The word side of the product: features × columns, and (factored) each block's b·w per word. */
    private record Projection(float[] matrix, int columns, float[] offsets) {
    }

    private Projection projection(LabelVectors labels) {
        int l = labels.size(), d = head.dims(), k = head.blocks(), c = head.channels();
        float[][] w = labels.unit();
        if (layout == Layout.UNIT_BLOCKS) {
            float[] m = new float[d * l];
            for (int j = 0; j < l; j++) for (int t = 0; t < d; t++) m[t * l + j] = w[j][t];
            return new Projection(m, l, null);
        }
        // Wᵀw for each block and word, in double: [C, k·L], and b·w: [k·L].
        float[] weight = head.params().get(0).values(), bias = head.params().get(1).values(); // [k·d, C], [k·d]
        float[] m = new float[c * k * l], offsets = new float[k * l];
        for (int b = 0; b < k; b++) {
            for (int j = 0; j < l; j++) {
                double off = 0;
                for (int t = 0; t < d; t++) off += (double) bias[b * d + t] * w[j][t];
                offsets[b * l + j] = (float) off;
                for (int ch = 0; ch < c; ch++) {
                    double s = 0;
                    for (int t = 0; t < d; t++) s += (double) weight[(b * d + t) * c + ch] * w[j][t];
                    m[ch * k * l + b * l + j] = (float) s;
                }
            }
        }
        return new Projection(m, k * l, offsets);
    }

    /** Factored: cos = scale · (x·Wᵀw + b·w), each location's k scales read from the mapped file. */
    private void applyScales(float[] cos, int from, int size, int l, float[] offsets) {
        int hw = locations(), k = head.blocks();
        IntStream.range(0, size).parallel().forEach(i -> {
            int image = from + i;
            MappedByteBuffer chunk = scaleChunks[image / scaleImagesPerChunk];
            int base = (image % scaleImagesPerChunk) * hw * k * 4;
            for (int q = 0; q < hw; q++) {
                for (int b = 0; b < k; b++) {
                    float s = chunk.getFloat(base + (q * k + b) * 4);
                    int at = ((i * hw + q) * k + b) * l;
                    for (int j = 0; j < l; j++) cos[at + j] = s * (cos[at + j] + offsets[b * l + j]);
                }
            }
        });
    }

    /** Images {@code from} … {@code from + size − 1}'s stored features as float32, into {@code out}. */
    private void readFeatures(int from, int size, float[] out) {
        int perImage = locations() * features;
        IntStream.range(0, size).parallel().forEach(i -> {
            int image = from + i;
            MappedByteBuffer chunk = featureChunks[image / imagesPerChunk];
            int base = (image % imagesPerChunk) * perImage * storage.bytes, to = i * perImage;
            if (storage == Storage.FLOAT32) {
                for (int v = 0; v < perImage; v++) out[to + v] = chunk.getFloat(base + v * 4);
            } else {
                for (int v = 0; v < perImage; v++) out[to + v] = Float.float16ToFloat(chunk.getShort(base + v * 2));
            }
        });
    }
}
