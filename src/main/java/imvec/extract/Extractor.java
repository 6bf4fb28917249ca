package imvec.extract;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.ImageSet;
import imvec.data.Preprocess;
import imvec.data.TruncatedImageException;
import imvec.data.UnreadableImageException;
import imvec.model.Backbone;
import imvec.model.LayerInfo;
import imvec.model.Tensor;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.store.OutOfSpaceException;
import imvec.store.RunLock;
import imvec.util.UserError;
import imvec.util.Version;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.*;
import java.util.concurrent.*;
import java.util.stream.Stream;

/**
 * Runs a backbone over an image set and writes a run directory (see {@link Manifest}).
 *
 * <p>Work is committed in chunks under {@code .partial/}: a chunk directory appears under its
 * final name only once complete (rename), so a killed extraction resumes at the first missing
 * chunk and produces exactly the rows, in the same batches, as an uninterrupted one. Final
 * arrays are assembled from the chunks atomically, and the manifest is written last.
 * Decoding and preprocessing run on their own threads ahead of inference.
 */
public final class Extractor {
    private static final String PARTIAL = ".partial";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Progress and warnings, for a progress bar or a log. */
    public interface Listener {
        void progress(long done, long total);

        default void warn(String message) {
        }
    }

    /**
     * @param extracted       images decoded and run through the model by this call; 0 when an
     *                        earlier run had already extracted every chunk and only assembly was left
     * @param imagesPerSecond {@code extracted} over the time taken, 0 when nothing was extracted
     * @param engineWaitSeconds time the engine's thread spent waiting for a decoded batch (the
     *                          pipeline's start included): what decoding failed to hide
     */
    public record Result(Path runDir, Manifest manifest, int rows, int skipped, double seconds,
                         double imagesPerSecond, int resumedChunks, boolean alreadyComplete, int extracted,
                         double engineWaitSeconds) {
    }

    private final ImageSet data;
    private final Backbone backbone;
    private final Preprocess preprocess;
    private final List<LayerRequest> layers;
    private final int topK;
    private final String topKLayer;
    private final List<String> modelClasses;
    private final int batchSize;
    private final int chunkSize;
    private final boolean strict;
    private final boolean allowTruncated;
    private final boolean keepMaps;
    private final boolean force;
    private final long seed;
    private final int decodeThreads;
    private final String labelsFile;
    private final Listener listener;

    private Extractor(Builder b) {
        this.data = Objects.requireNonNull(b.data, "setData");
        this.backbone = Objects.requireNonNull(b.backbone, "setBackbone");
        this.preprocess = Objects.requireNonNull(b.preprocess, "setPreprocess");
        this.layers = List.copyOf(Objects.requireNonNull(b.layers, "setLayers"));
        this.topK = b.topK;
        this.topKLayer = b.topKLayer;
        this.modelClasses = b.modelClasses;
        this.batchSize = b.batchSize;
        this.chunkSize = Math.max(b.batchSize, b.chunkSize / b.batchSize * b.batchSize);
        this.strict = b.strict;
        this.allowTruncated = b.allowTruncated;
        this.keepMaps = b.keepMaps;
        this.force = b.force;
        this.seed = b.seed;
        this.decodeThreads = b.decodeThreads;
        this.labelsFile = b.labelsFile;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Extracts into {@code out}, resuming an unfinished run made with the same settings. The run
     * directory is locked for the duration ({@link RunLock}); a full disk is a {@link UserError}
     * naming the file, after which the same call resumes where it stopped.
     */
    public Result run(Path out) throws IOException {
        validate();
        try (RunLock lock = RunLock.acquire(out)) {
            try {
                return runLocked(out);
            } catch (IOException e) {
                throw OutOfSpaceException.orOutOfSpace(e, out);
            }
        } catch (OutOfSpaceException e) {
            throw new UserError(e.getMessage() + "; free some space and run the same command again, which resumes where this one stopped.", e);
        }
    }

    private Result runLocked(Path out) throws IOException {
        String fingerprint = fingerprint();
        Path partial = out.resolve(PARTIAL);
        Result done = finishedRun(out, fingerprint);
        if (done != null) return done;
        prepare(out, partial, fingerprint);

        long start = System.nanoTime();
        int chunks = (data.size() + chunkSize - 1) / chunkSize;
        List<Integer> todo = new ArrayList<>();
        for (int c = 0; c < chunks; c++) if (!Files.isDirectory(chunkDir(partial, c))) todo.add(c);
        int resumed = chunks - todo.size();
        long doneImages = (long) resumed * chunkSize;
        listener.progress(Math.min(doneImages, data.size()), data.size());
        double waited = extractChunks(partial, todo, doneImages);
        Manifest m = assemble(out, partial, chunks, fingerprint);
        deleteTree(partial);
        double secs = (System.nanoTime() - start) / 1e9;
        int fresh = todo.stream().mapToInt(c -> Math.min(chunkSize, data.size() - c * chunkSize)).sum();
        return new Result(out, m, m.n(), m.skipped().size(), secs, fresh == 0 ? 0 : fresh / secs, resumed, false, fresh, waited);
    }

    // ---- set-up --------------------------------------------------------------------------

    private void validate() {
        if (data.size() == 0) throw new UserError("dataset " + data.spec() + " holds no images.");
        if (layers.isEmpty()) throw new UserError("no layers requested; pass --layers.");
        Set<String> known = new LinkedHashSet<>();
        for (LayerInfo l : backbone.layers()) known.add(l.name());
        Set<String> seen = new HashSet<>();
        for (LayerRequest r : layers) {
            if (!seen.add(r.name())) throw new UserError("layer '" + r.name() + "' is requested twice.");
            if (!r.name().equals(LayerRequest.INPUT) && !known.contains(r.name())) {
                throw new UserError("unknown layer '" + r.name() + "' in " + backbone.path().getFileName()
                        + imvec.util.Suggestions.didYouMean(r.name(), known) + " (list them with `imvec layers`).");
            }
        }
        if (topK > 0 && !known.contains(outputLayer())) {
            throw new UserError("--topk needs the classifier output '" + outputLayer() + "', which "
                    + backbone.path().getFileName() + " does not have" + imvec.util.Suggestions.didYouMean(outputLayer(), known) + ".");
        }
    }

    private String outputLayer() {
        if (topKLayer != null) return topKLayer;
        String card = backbone.card() == null ? null : backbone.card().outputLayer();
        return card != null ? card : "probabilities";
    }

    private String fingerprint() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("data", data.spec());
        f.put("n", data.size());
        f.put("labels_file", labelsFile);
        f.put("model", backbone.sha256());
        f.put("layers", layers.stream().map(l -> l.name() + "@" + l.pool().label()).toList());
        f.put("preprocess", preprocess.describe());
        f.put("topk", topK > 0 ? topK + "@" + outputLayer() : null);
        f.put("model_classes", modelClasses);
        f.put("batch", batchSize);
        f.put("chunk", chunkSize);
        f.put("maps", keepMaps);
        // Only when set, so runs made before the option keep their fingerprint.
        if (allowTruncated) f.put("allow_truncated", true);
        try {
            return imvec.util.Hashing.sha256(JSON.writeValueAsBytes(f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Result finishedRun(Path out, String fingerprint) throws IOException {
        if (!Files.isRegularFile(out.resolve(Manifest.FILE))) return null;
        Manifest m = Manifest.read(out);
        Object old = m.extraction() == null ? null : m.extraction().get("fingerprint");
        if (fingerprint.equals(old) && !force) {
            return new Result(out, m, m.n(), m.skipped().size(), 0, 0, 0, true, 0, 0);
        }
        if (!force) {
            throw new UserError(out + " already holds a finished run made with other settings; pass --force to replace it or choose another --out.");
        }
        Files.delete(out.resolve(Manifest.FILE));
        return null;
    }

    private void prepare(Path out, Path partial, String fingerprint) throws IOException {
        Files.createDirectories(partial);
        Path job = partial.resolve("job.txt");
        if (Files.exists(job) && !Files.readString(job).equals(fingerprint)) {
            if (!force) {
                throw new UserError(out + " holds an unfinished extraction made with other settings; pass --force to start over or choose another --out.");
            }
            deleteTree(partial);
            Files.createDirectories(partial);
        }
        AtomicFiles.writeString(job, fingerprint);
        // Half-written chunks of a killed run are never renamed into place; drop them.
        try (Stream<Path> s = Files.list(partial)) {
            for (Path p : s.filter(p -> p.getFileName().toString().contains(".tmp")).toList()) deleteTree(p);
        }
    }

    private static Path chunkDir(Path partial, int c) {
        return partial.resolve(String.format("chunk-%06d", c));
    }

    // ---- extraction ----------------------------------------------------------------------

    /** A preprocessed batch: the images that decoded and the ones that did not. */
    private record Batch(int chunk, int[] indices, float[] pixels, List<Manifest.Skipped> skipped) {
    }

    /** Returns the seconds the engine waited for decoded batches. */
    private double extractChunks(Path partial, List<Integer> todo, long doneImages) throws IOException {
        aborting = false;
        List<int[]> batches = new ArrayList<>();
        for (int c : todo) {
            int end = Math.min(data.size(), (c + 1) * chunkSize);
            for (int a = c * chunkSize; a < end; a += batchSize) batches.add(new int[]{c, a, Math.min(end, a + batchSize)});
        }
        ExecutorService pool = Executors.newFixedThreadPool(decodeThreads, r -> {
            Thread t = new Thread(r, "imvec-decode");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Pending> ahead = new ArrayDeque<>();
            int next = 0;
            int prefetch = Math.max(2, decodeThreads * 2);
            ChunkBuffer buf = null;
            long waited = 0;
            freeBatches.clear();
            while (next < batches.size() || !ahead.isEmpty()) {
                while (next < batches.size() && ahead.size() < prefetch) {
                    int[] spec = batches.get(next++);
                    ahead.add(submit(pool, spec[0], spec[1], spec[2]));
                }
                long w0 = System.nanoTime();
                Batch b = assemble(ahead.poll());
                waited += System.nanoTime() - w0;
                if (buf != null && buf.chunk != b.chunk()) {
                    buf.commit(partial);
                    buf = null;
                }
                if (buf == null) buf = new ChunkBuffer(b.chunk());
                buf.add(b, infer(b));
                recycle(b);
                doneImages += b.indices().length + b.skipped().size();
                listener.progress(Math.min(doneImages, data.size()), data.size());
            }
            if (buf != null) buf.commit(partial);
            return waited / 1e9;
        } finally {
            aborting = true;
            pool.shutdownNow();
        }
    }

    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            if (e.getCause() instanceof IOException io) throw io;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A batch being decoded: its images split into one contiguous part per decoding thread. */
    private record Pending(int chunk, int from, int to, float[] pixels, List<Future<Part>> parts) {
    }

    /** Images {@code from..to} of a batch: which decoded (into their own slots) and which were skipped. */
    private record Part(int from, boolean[] decoded, List<Manifest.Skipped> skipped) {
    }

    /**
     * Queues a batch as one part per decoding thread rather than one task per batch: a batch is
     * then ready in the time all threads together take to decode it, so the engine's first batch
     * (and any it catches up to) waits a fraction of what one thread decoding 32 images would take.
     */
    private Pending submit(ExecutorService pool, int chunk, int from, int to) {
        float[] px = to - from == batchSize ? batchArray(batchSize * preprocess.size()) : new float[(to - from) * preprocess.size()];
        int parts = Math.min(decodeThreads, to - from);
        List<Future<Part>> fs = new ArrayList<>(parts);
        for (int k = 0; k < parts; k++) {
            int a = from + (to - from) * k / parts, b = from + (to - from) * (k + 1) / parts;
            fs.add(pool.submit(() -> decode(a, b, from, px)));
        }
        return new Pending(chunk, from, to, px, fs);
    }

    /** Waits for a batch's parts; images that did not decode are dropped and the rest moved up, in order. */
    private Batch assemble(Pending p) throws IOException {
        int per = preprocess.size();
        int[] ok = new int[p.to() - p.from()];
        int n = 0;
        List<Manifest.Skipped> skipped = new ArrayList<>();
        for (Future<Part> f : p.parts()) {
            Part part = await(f);
            for (int k = 0; k < part.decoded().length; k++) if (part.decoded()[k]) ok[n++] = part.from() + k;
            skipped.addAll(part.skipped());
        }
        if (n == ok.length) return new Batch(p.chunk(), ok, p.pixels(), skipped);
        float[] kept = new float[n * per];
        for (int k = 0; k < n; k++) System.arraycopy(p.pixels(), (ok[k] - p.from()) * per, kept, k * per, per);
        if (p.pixels().length == batchSize * per) freeBatches.add(p.pixels());
        return new Batch(p.chunk(), Arrays.copyOf(ok, n), kept, skipped);
    }

    /**
     * Batch arrays the engine is done with, for the decoding threads to fill again: a batch of
     * 32 images at 224² is a 19 MB array, which G1 allocates as a humongous object; a fresh one per
     * batch was a stream of such allocations and the young collections they start.
     */
    private final Queue<float[]> freeBatches = new ConcurrentLinkedQueue<>();

    /** A full-size batch array, reused when one is free. */
    private float[] batchArray(int length) {
        float[] a = freeBatches.poll();
        return a != null && a.length == length ? a : new float[length];
    }

    /** The pixels go back to the pool unless the run stores the input itself ({@link ChunkBuffer} then holds them). */
    private void recycle(Batch b) {
        if (storesInput() || b.pixels().length != batchSize * preprocess.size()) return;
        freeBatches.add(b.pixels());
    }

    private boolean storesInput() {
        return layers.stream().anyMatch(l -> l.name().equals(LayerRequest.INPUT));
    }

    /** Set when the batches still decoding ahead will not be used; they then stay quiet. */
    private volatile boolean aborting;

    /** Decodes images {@code a..b} of the batch starting at {@code from} into their slots of {@code px}. */
    private Part decode(int a, int b, int from, float[] px) throws IOException {
        int per = preprocess.size();
        boolean[] decoded = new boolean[b - a];
        List<Manifest.Skipped> skipped = new ArrayList<>();
        for (int i = a; i < b; i++) {
            try {
                readInto(i, px, (i - from) * per);
                decoded[i - a] = true;
            } catch (UnreadableImageException e) {
                // Decoding ahead of a run that has stopped (a full disk, an error) is cut off by the
                // interrupt; what it failed to read was not the image's fault, so it is not reported.
                if (aborting || Thread.currentThread().isInterrupted()) throw new InterruptedIOException("extraction stopped");
                if (strict && e instanceof TruncatedImageException) {
                    throw new UserError("image " + data.id(i) + " is truncated (" + e.getMessage()
                            + "); pass --allow-truncated to keep such images, or drop --strict to skip them.");
                }
                if (strict) throw new UserError("image " + data.id(i) + " is unreadable (" + e.getMessage() + "); drop --strict to skip such images.");
                skipped.add(new Manifest.Skipped(data.id(i), e.getMessage()));
                listener.warn("skipped unreadable image " + e.getMessage());
            }
        }
        return new Part(a, decoded, skipped);
    }

    /** Image {@code i}'s model input; a truncated image is kept, padded as its decoder left it, only when asked to. */
    private void readInto(int i, float[] px, int offset) throws IOException {
        try {
            data.readInto(i, preprocess, px, offset);
        } catch (TruncatedImageException e) {
            if (!allowTruncated || e.decoded() == null) throw e;
            preprocess.apply(e.decoded(), px, offset);
        }
    }

    private Map<String, Tensor> infer(Batch b) {
        int n = b.indices().length;
        Map<String, Tensor> out = new HashMap<>();
        if (n == 0) return out;
        List<String> names = new ArrayList<>();
        for (LayerRequest r : layers) if (!r.name().equals(LayerRequest.INPUT)) names.add(r.name());
        if (topK > 0 && !names.contains(outputLayer())) names.add(outputLayer());
        if (!names.isEmpty()) out.putAll(backbone.forward(b.pixels(), n, names));
        if (storesInput()) out.put(LayerRequest.INPUT, new Tensor(new long[]{n, preprocess.channels(), preprocess.height(), preprocess.width()}, b.pixels()));
        return out;
    }

    /** Rows of one chunk as they accumulate; written to a temp directory, then renamed into place. */
    private final class ChunkBuffer {
        final int chunk;
        final List<Map<String, Tensor>> outputs = new ArrayList<>();
        final List<Batch> batches = new ArrayList<>();

        ChunkBuffer(int chunk) {
            this.chunk = chunk;
        }

        void add(Batch b, Map<String, Tensor> out) {
            batches.add(b);
            outputs.add(out);
        }

        void commit(Path partial) throws IOException {
            try {
                write(partial);
            } catch (IOException e) {
                throw OutOfSpaceException.orOutOfSpace(e, chunkDir(partial, chunk));
            }
        }

        private void write(Path partial) throws IOException {
            Path tmp = Files.createTempDirectory(partial, String.format("chunk-%06d.tmp", chunk));
            Map<String, Object> meta = new LinkedHashMap<>();
            int rows = 0;
            for (Batch b : batches) rows += b.indices().length;
            meta.put("rows", rows);
            List<Map<String, Object>> shapes = new ArrayList<>();
            for (int li = 0; li < layers.size(); li++) {
                LayerRequest r = layers.get(li);
                long[] source = null;
                try (OutputStream o = Files.newOutputStream(tmp.resolve("layer-" + li + ".bin"));
                     OutputStream maps = keepMaps ? Files.newOutputStream(tmp.resolve("maps-" + li + ".bin")) : null) {
                    for (Map<String, Tensor> out : outputs) {
                        Tensor t = out.get(r.name());
                        if (t == null) continue;
                        source = t.shape();
                        writeRaw(o, r.pool().apply(t));
                        if (maps != null) writeRaw(maps, t.data());
                    }
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("source_shape", source);
                shapes.add(s);
            }
            meta.put("layers", shapes);
            List<Integer> labels = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            List<Manifest.Skipped> skipped = new ArrayList<>();
            for (Batch b : batches) {
                for (int i : b.indices()) {
                    labels.add(data.label(i));
                    ids.add(data.id(i));
                }
                skipped.addAll(b.skipped());
            }
            meta.put("labels", labels);
            meta.put("ids", ids);
            meta.put("skipped", skipped);
            if (topK > 0) writeTopK(tmp);
            Files.write(tmp.resolve("meta.json"), JSON.writeValueAsBytes(meta));
            Files.move(tmp, chunkDir(partial, chunk), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        private void writeTopK(Path tmp) throws IOException {
            try (OutputStream idx = Files.newOutputStream(tmp.resolve("topk-indices.bin"));
                 OutputStream prob = Files.newOutputStream(tmp.resolve("topk-probs.bin"))) {
                for (Map<String, Tensor> out : outputs) {
                    Tensor t = out.get(outputLayer());
                    if (t == null) continue;
                    TopK.Rows rows = TopK.of(t, topK);
                    writeRaw(idx, rows.indices());
                    writeRaw(prob, rows.probs());
                }
            }
        }
    }

    private static void writeRaw(OutputStream o, float[] v) throws IOException {
        Npy.writeFloats(o, v);
    }

    private static void writeRaw(OutputStream o, int[] v) throws IOException {
        Npy.writeInts(o, v);
    }

    // ---- assembly ------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private Manifest assemble(Path out, Path partial, int chunks, String fingerprint) throws IOException {
        List<Map<String, Object>> metas = new ArrayList<>();
        for (int c = 0; c < chunks; c++) metas.add(JSON.readValue(chunkDir(partial, c).resolve("meta.json").toFile(), Map.class));
        int n = metas.stream().mapToInt(m -> (Integer) m.get("rows")).sum();
        List<Manifest.Skipped> skipped = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        int[] labels = new int[n];
        int at = 0;
        for (Map<String, Object> m : metas) {
            for (Object l : (List<Object>) m.get("labels")) labels[at++] = (Integer) l;
            ids.addAll((List<String>) m.get("ids"));
            for (Map<String, String> s : (List<Map<String, String>>) m.get("skipped")) skipped.add(new Manifest.Skipped(s.get("id"), s.get("reason")));
        }
        if (n == 0) throw new UserError("no image of " + data.spec() + " could be read; nothing was extracted.");

        Path layerDir = out.resolve("layers");
        Files.createDirectories(layerDir);
        List<Manifest.Layer> stored = new ArrayList<>();
        for (int li = 0; li < layers.size(); li++) {
            LayerRequest r = layers.get(li);
            long[] source = sourceShape(metas, li);
            long width = r.pool().width(source);
            String file = "layers/" + r.fileName();
            concat(partial, chunks, "layer-" + li + ".bin", out.resolve(file), "<f4", n, width);
            String maps = null;
            if (keepMaps && source.length > 2) {
                maps = "maps/" + r.fileName();
                long[] shape = source.clone();
                shape[0] = n;
                concat(partial, chunks, "maps-" + li + ".bin", out.resolve(maps), "<f4", shape);
            }
            long[] srcShape = source.clone();
            srcShape[0] = -1;
            stored.add(new Manifest.Layer(r.name(), file, new long[]{n, width}, r.pool().label(), srcShape, maps));
        }
        Npy.write(out.resolve("labels.npy"), labels, n);
        AtomicFiles.writeString(out.resolve("ids.txt"), String.join("\n", ids) + "\n");
        AtomicFiles.writeString(out.resolve("classes.txt"), String.join("\n", data.classes()) + "\n");
        Manifest.TopK topk = topK > 0 ? assembleTopK(out, partial, chunks, n) : null;

        Map<String, Object> extraction = new LinkedHashMap<>();
        extraction.put("fingerprint", fingerprint);
        extraction.put("batch_size", batchSize);
        extraction.put("chunk_size", chunkSize);
        Manifest m = new Manifest(Version.get(), Instant.now().toString(), n, stored, "labels.npy", "classes.txt",
                data.classes(), "ids.txt",
                new Manifest.Model(backbone.path().toAbsolutePath().toString(), backbone.sha256(),
                        backbone.getClass().getSimpleName(), backbone.card()),
                new Manifest.Data(data.spec(), data.size(), labelsFile, preprocess.describe()),
                seed, topk, skipped, extraction);
        m.write(out);
        return m;
    }

    @SuppressWarnings("unchecked")
    private static long[] sourceShape(List<Map<String, Object>> metas, int li) {
        for (Map<String, Object> m : metas) {
            Object s = ((List<Map<String, Object>>) m.get("layers")).get(li).get("source_shape");
            if (s != null) return ((List<Number>) s).stream().mapToLong(Number::longValue).toArray();
        }
        throw new IllegalStateException("no chunk holds rows");
    }

    private Manifest.TopK assembleTopK(Path out, Path partial, int chunks, int n) throws IOException {
        concat(partial, chunks, "topk-probs.bin", out.resolve("topk_probs.npy"), "<f4", n, topK);
        List<String> names = modelClasses != null ? modelClasses
                : backbone.card() != null && backbone.card().classes() != null ? backbone.card().classes() : null;
        if (names == null) {
            concat(partial, chunks, "topk-indices.bin", out.resolve("topk_indices.npy"), "<i4", n, topK);
            return new Manifest.TopK(topK, outputLayer(), "topk_indices.npy", "topk_probs.npy", null, "model", null);
        }
        // Name predictions in the dataset's class ids; the model's own indices are kept beside them.
        concat(partial, chunks, "topk-indices.bin", out.resolve("topk_model_indices.npy"), "<i4", n, topK);
        int[] model = Npy.read(out.resolve("topk_model_indices.npy")).ints();
        Map<String, Integer> datasetIndex = new HashMap<>();
        for (int i = 0; i < data.classes().size(); i++) datasetIndex.put(data.classes().get(i), i);
        int[] mapped = new int[model.length];
        for (int i = 0; i < model.length; i++) {
            int k = model[i];
            mapped[i] = k < names.size() ? datasetIndex.getOrDefault(names.get(k), -1) : -1;
        }
        Npy.write(out.resolve("topk_indices.npy"), mapped, n, topK);
        return new Manifest.TopK(topK, outputLayer(), "topk_indices.npy", "topk_probs.npy",
                "topk_model_indices.npy", "dataset", names);
    }

    /** Joins the chunks' raw rows into one .npy file, atomically. */
    private static void concat(Path partial, int chunks, String part, Path target, String dtype, long... shape) throws IOException {
        AtomicFiles.write(target, o -> {
            o.write(Npy.header(dtype, shape));
            for (int c = 0; c < chunks; c++) {
                Path p = chunkDir(partial, c).resolve(part);
                if (Files.exists(p)) Files.copy(p, o);
            }
        });
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    public static final class Builder {
        private ImageSet data;
        private Backbone backbone;
        private Preprocess preprocess;
        private List<LayerRequest> layers;
        private int topK;
        private String topKLayer;
        private List<String> modelClasses;
        private int batchSize = 32;
        private int chunkSize = 512;
        private boolean strict;
        private boolean allowTruncated;
        private boolean keepMaps;
        private boolean force;
        private long seed;
        private int decodeThreads = Runtime.getRuntime().availableProcessors();
        private String labelsFile;
        private Listener listener = (d, t) -> { };

        public Builder setData(ImageSet data) { this.data = data; return this; }
        public Builder setBackbone(Backbone backbone) { this.backbone = backbone; return this; }
        public Builder setPreprocess(Preprocess preprocess) { this.preprocess = preprocess; return this; }
        public Builder setLayers(List<LayerRequest> layers) { this.layers = layers; return this; }
        /** The k most probable classes per image; 0 (default) stores none, and a negative k is refused, not read as 0. */
        public Builder optTopK(int k) {
            if (k < 0) throw new UserError("--topk must be 0 (none) or more, got " + k + ".");
            this.topK = k;
            return this;
        }
        public Builder optTopKLayer(String layer) { this.topKLayer = layer; return this; }
        public Builder optModelClasses(List<String> classes) { this.modelClasses = classes; return this; }
        public Builder optBatchSize(int n) { this.batchSize = positive(n, "--batch"); return this; }
        public Builder optChunkSize(int n) { this.chunkSize = positive(n, "--chunk"); return this; }
        public Builder optStrict(boolean strict) { this.strict = strict; return this; }
        /** Keep images whose file ends early, padded as the decoder fills them; default off (they are skipped). */
        public Builder optAllowTruncated(boolean allow) { this.allowTruncated = allow; return this; }
        public Builder optKeepMaps(boolean keep) { this.keepMaps = keep; return this; }
        public Builder optForce(boolean force) { this.force = force; return this; }
        public Builder optSeed(long seed) { this.seed = seed; return this; }
        public Builder optDecodeThreads(int n) { this.decodeThreads = positive(n, "--decode-threads"); return this; }
        public Builder optLabelsFile(String file) { this.labelsFile = file; return this; }
        public Builder optListener(Listener l) { this.listener = l; return this; }

        private static int positive(int n, String flag) {
            if (n <= 0) throw new UserError(flag + " must be positive, got " + n + ".");
            return n;
        }

        public Extractor build() {
            return new Extractor(this);
        }
    }
}
