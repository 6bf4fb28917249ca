package imvec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import imvec.data.DataSpecs;
import imvec.data.ImageSet;
import imvec.explore.ExploreRun;
import imvec.explore.ExploreServer;
import imvec.explore.Layouts;
import imvec.explore.ThumbnailAtlas;
import imvec.store.AtomicFiles;
import imvec.store.Manifest;
import imvec.store.Npy;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code imvec bench explore}: the explorer's map in headless Chromium (software WebGL). A run of
 * the given images' pixels is written once; the page loads it as thumbnails, and reports when it
 * first painted every image and how long each frame of a zoom in and out took. Synthetic point
 * clouds (points, no thumbnails) show where the renderer's limit lies beyond the data set.
 */
public final class ExploreBench {
    private ExploreBench() {
    }

    /**
     * One page measurement; {@code frameMedianMs} is render plus a GPU sync per zoom step with the map's level of
     * detail, of which {@code cullMedianMs} finds the points on screen and picks those drawn and
     * {@code submitMedianMs} issues the draw calls; {@code drawnMedian} of the {@code onScreenMedian} points on
     * screen are drawn (medians over the frames). {@code fullFrameMedianMs} is the same zoom path drawing every point
     * on screen, right after on the same page. {@code difference} compares the two pictures at every other step.
     */
    public record Page(String what, int n, String mode, double lodCell, double firstPaintMs, double frameMedianMs,
                       double frameP90Ms, double cullMedianMs, double submitMedianMs, int drawnMedian, int onScreenMedian,
                       double fullFrameMedianMs, double fullFrameP90Ms, Difference difference,
                       String renderer, String marks, String loadBefore, String loadAfter) {
    }

    /**
     * Level-of-detail frame against the full frame over {@code steps} zoom steps: the fraction of pixels differing
     * at all and by more than 64 (of 255) in some channel, and the mean absolute difference per channel over all
     * pixels; medians and maxima over the steps. Null when the level of detail is off.
     */
    public record Difference(int steps, double differMedian, double differMax, double differ64Median, double differ64Max,
                             double meanAbsMedian, double meanAbsMax) {
        static Difference of(JsonNode j) {
            if (j == null || j.isNull() || j.isMissingNode()) return null;
            return new Difference(j.get("steps").asInt(), j.get("differMedian").asDouble(), j.get("differMax").asDouble(),
                    j.get("differ64Median").asDouble(), j.get("differ64Max").asDouble(), j.get("meanAbsMedian").asDouble(),
                    j.get("meanAbsMax").asDouble());
        }
    }

    public record Result(List<String> data, int n, int cores, double buildRunSeconds, double atlasSeconds,
                         double pcaSeconds, List<Page> pages) {
    }

    /**
     * Measures the data set's page, then each synthetic size; {@code stage} hears what is running. {@code lodCell}
     * sets the map's level-of-detail cell as a fraction of a drawn point (0: every point on screen), null keeps the
     * page's default. Each page's raw report (every frame's time and counts) lands in {@code out/page-*.json}.
     */
    public static Result run(List<String> specs, int limit, Path out, Path chromium, List<Integer> synthetic, int frames,
                             Double lodCell, Consumer<String> stage) throws IOException, InterruptedException {
        if (!Files.isExecutable(chromium)) {
            throw new UserError(chromium + " is not an executable browser; install Debian's chromium (apt-get install chromium) or pass --chromium.");
        }
        long t0 = System.nanoTime();
        Path runDir = out.resolve("run");
        stage.accept("writing a run of the images' pixels");
        int n = writeRun(specs, limit, runDir);
        double build = seconds(t0);
        ExploreRun run = ExploreRun.open(runDir, "pixels");
        stage.accept("thumbnail atlas");
        long t1 = System.nanoTime();
        ThumbnailAtlas atlas = ThumbnailAtlas.open(run, ThumbnailAtlas.defaultTile(n), d -> { });
        double atlasSeconds = seconds(t1);
        List<Page> pages = new ArrayList<>();
        double pcaSeconds;
        CompletableFuture<JsonNode>[] sink = new CompletableFuture[1];
        try (ExploreServer server = ExploreServer.builder().setRun(run).setAtlas(atlas)
                .optBenchSink(j -> sink[0].complete(j)).start()) {
            long t2 = System.nanoTime();
            stage.accept("PCA layout");
            server.layouts().compute(Layouts.Kind.PCA2);
            pcaSeconds = seconds(t2);
            stage.accept("page with " + n + " thumbnails");
            sink[0] = new CompletableFuture<>();
            String bench = "&bench=zoom&frames=" + frames + (lodCell == null ? "" : "&lod=" + lodCell);
            pages.add(measure(chromium, server.url() + bench, out, sink[0], n + " images (thumbnails)"));
            for (int s : synthetic) {
                stage.accept("page with " + s + " synthetic points");
                sink[0] = new CompletableFuture<>();
                pages.add(measure(chromium, server.url() + bench + "&synthetic=" + s, out, sink[0],
                        s + " synthetic points"));
            }
        }
        return new Result(specs, n, Runtime.getRuntime().availableProcessors(), build, atlasSeconds, pcaSeconds, pages);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static Page measure(Path chromium, String url, Path out, CompletableFuture<JsonNode> result, String what)
            throws IOException, InterruptedException {
        String load = TsneBench.loadAverage();
        Path profile = Files.createTempDirectory(out, "chromium-");
        Process p = new ProcessBuilder(chromium.toString(), "--headless=new", "--no-sandbox", "--enable-unsafe-swiftshader",
                "--disable-dev-shm-usage", "--window-size=1280,800", "--user-data-dir=" + profile, "--no-first-run", url)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            JsonNode j = result.get(600, TimeUnit.SECONDS);
            savePictures(j.path("difference").path("pictures"), out, what);
            if (j.path("difference").isObject()) ((com.fasterxml.jackson.databind.node.ObjectNode) j.get("difference")).remove("pictures");
            AtomicFiles.writeString(out.resolve("page-" + what.replaceAll("[^A-Za-z0-9]+", "-") + ".json"), j.toPrettyString());
            return new Page(what, j.get("n").asInt(), j.get("mode").asText(), j.path("lodCell").asDouble(),
                    j.get("firstPaintMs").asDouble(), j.get("frameMedianMs").asDouble(), j.get("frameP90Ms").asDouble(),
                    j.path("cullMedianMs").asDouble(), j.path("submitMedianMs").asDouble(), j.path("drawnMedian").asInt(),
                    j.path("onScreenMedian").asInt(), j.path("fullFrameMedianMs").asDouble(), j.path("fullFrameP90Ms").asDouble(),
                    Difference.of(j.get("difference")), j.path("renderer").asText(), j.path("marks").toString(), load,
                    TsneBench.loadAverage());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new UserError("the page did not report its timings within 10 minutes (" + what + ").", e);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            deleteTree(profile);
        }
    }

    /** The deepest zoom step's frame with the level of detail and with every point, as {@code out/zoom-*-{lod,full}.jpg}. */
    private static void savePictures(JsonNode pictures, Path out, String what) throws IOException {
        for (String kind : List.of("lod", "full")) {
            String url = pictures.path(kind).asText("");
            int comma = url.indexOf(',');
            if (!url.startsWith("data:image/jpeg;base64,") || comma < 0) continue;
            byte[] jpeg = java.util.Base64.getDecoder().decode(url.substring(comma + 1));
            AtomicFiles.write(out.resolve("zoom-" + what.replaceAll("[^A-Za-z0-9]+", "-") + kind + ".jpg"), o -> o.write(jpeg));
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    /**
     * The first {@code limit} images' pixels (scaled to 0..1) as layer {@code pixels}, unless the run
     * is there already. The spec joins the sets with {@code +}; the explorer finds images by id.
     */
    static int writeRun(List<String> specs, int limit, Path dir) throws IOException {
        String spec = String.join("+", specs);
        if (Files.isRegularFile(dir.resolve(Manifest.FILE))) {
            Manifest m = Manifest.read(dir);
            if (m.data() != null && spec.equals(m.data().spec()) && m.n() == limit) return m.n();
        }
        List<ImageSet> sets = new ArrayList<>();
        for (String s : specs) sets.add(DataSpecs.open(s, null));
        TsneBench.Rows rows = TsneBench.rows(sets, limit, 1f / 255f);
        int n = rows.x().length;
        if (n < limit) throw new UserError(spec + " has " + n + " images, fewer than the " + limit + " asked for.");
        StringBuilder ids = new StringBuilder();
        int left = n;
        for (ImageSet s : sets) {
            for (int i = 0; i < s.size() && left > 0; i++, left--) ids.append(s.id(i)).append('\n');
        }
        Files.createDirectories(dir.resolve("layers"));
        Npy.write(dir.resolve("layers/pixels.npy"), rows.x());
        Npy.write(dir.resolve("labels.npy"), rows.y(), n);
        Files.writeString(dir.resolve("ids.txt"), ids, StandardCharsets.UTF_8);
        List<String> classes = sets.get(0).classes();
        Files.writeString(dir.resolve("classes.txt"), String.join("\n", classes) + "\n");
        new Manifest(imvec.util.Version.get(), java.time.Instant.now().toString(), n,
                List.of(new Manifest.Layer("pixels", "layers/pixels.npy", new long[] {n, rows.x()[0].length}, null, null, null)),
                "labels.npy", "classes.txt", classes, "ids.txt", null,
                new Manifest.Data(spec, n, null, null), 0, null, null, null)
                .write(dir);
        return n;
    }

}
