package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.AtomicFiles;
import imvec.util.UserError;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.UnauthorizedResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The explorer's HTTP server. Safety comes first in every request: the Host header must name
 * this server (so a rebound DNS name cannot reach it), and the access token must come with the
 * request (query {@code token}, header {@code X-Imvec-Token}, or the cookie the first page load
 * sets; writes need the query or header, never the cookie alone). Images and thumbnails are
 * addressed by row number, and static files by a fixed list of names, so no request names a
 * path on disk.
 */
public final class ExploreServer implements AutoCloseable {
    static final String TOKEN_HEADER = "X-Imvec-Token";
    private static final Pattern ROW = Pattern.compile("\\d{1,9}");
    private static final Pattern STATIC = Pattern.compile("[a-z0-9-]{1,40}\\.(js|css)");
    private static final String THREE = "META-INF/resources/webjars/three/0.181.1/";
    private static final Map<String, String> VENDOR = Map.of(
            "three.module.min.js", THREE + "build/three.module.min.js",
            "three.core.min.js", THREE + "build/three.core.min.js",
            "OrbitControls.js", THREE + "examples/jsm/controls/OrbitControls.js",
            "d3.min.js", "META-INF/resources/webjars/d3/7.9.0/dist/d3.min.js");
    static final String IMPORT_MAP = "{\"imports\":{\"three\":\"/vendor/three.module.min.js\","
            + "\"three/addons/controls/OrbitControls.js\":\"/vendor/OrbitControls.js\"}}";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExploreRun run;
    private final Layouts layouts;
    private final ThumbnailAtlas atlas;
    private final LabelJournal labels;
    private final WordScorer scorer;
    private final LocalisationMaps maps;
    private final SpatialExplorer spatial;
    private final Map<String, ExploreRun> layerRuns = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Layouts> layerLayouts = new java.util.concurrent.ConcurrentHashMap<>();
    private final String host;
    private final String token;
    private final Consumer<JsonNode> benchSink;
    private final Map<String, byte[]> resources = new java.util.concurrent.ConcurrentHashMap<>();
    private Javalin app;
    private Set<String> allowedHosts;

    private ExploreServer(Builder b) {
        this.run = b.run;
        this.layouts = new Layouts(b.run);
        this.atlas = b.atlas;
        this.labels = LabelJournal.open(b.run.dir(), b.run.ids());
        this.spatial = b.spatial;
        this.scorer = b.scorer != null ? b.scorer : b.spatial != null ? b.spatial : new ClassNameScorer(b.run);
        this.maps = b.spatial != null && b.maps == LocalisationMaps.NONE ? b.spatial : b.maps;
        layerRuns.put(b.run.layer(), b.run);
        layerLayouts.put(b.run.layer(), layouts);
        this.host = b.host;
        this.token = b.token != null ? b.token : newToken();
        this.benchSink = b.benchSink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options: {@code setRun} and {@code setAtlas} are required; the rest default to a safe local server. */
    public static final class Builder {
        private ExploreRun run;
        private ThumbnailAtlas atlas;
        private String host = "127.0.0.1";
        private int port = 0;
        private String token;
        private WordScorer scorer;
        private LocalisationMaps maps = LocalisationMaps.NONE;
        private SpatialExplorer spatial;
        private Consumer<JsonNode> benchSink;

        public Builder setRun(ExploreRun run) {
            this.run = run;
            return this;
        }

        public Builder setAtlas(ThumbnailAtlas atlas) {
            this.atlas = atlas;
            return this;
        }

        /** Interface to bind (default 127.0.0.1). */
        public Builder optHost(String host) {
            this.host = host;
            return this;
        }

        /** Port, 0 (default) for any free one. */
        public Builder optPort(int port) {
            if (port < 0 || port > 65535) throw new UserError("--port must be 0 to 65535; got " + port + ".");
            this.port = port;
            return this;
        }

        /** A fixed access token (tests); default a fresh random one. */
        public Builder optToken(String token) {
            this.token = token;
            return this;
        }

        /** How words rank images (default {@link ClassNameScorer}); the spatial model plugs in here. */
        public Builder optWordScorer(WordScorer scorer) {
            this.scorer = scorer;
            return this;
        }

        /** Where words sit in an image (default none); the spatial model plugs in here. */
        public Builder optLocalisationMaps(LocalisationMaps maps) {
            this.maps = maps;
            return this;
        }

        /**
         * The spatial visual-semantic model over this run: it becomes the word scorer and the
         * localisation maps (unless those are set), and adds word layouts and map search.
         */
        public Builder optSpatial(SpatialExplorer spatial) {
            this.spatial = spatial;
            return this;
        }

        /** Receives the page's timings when it runs in bench mode ({@code imvec bench explore}). */
        public Builder optBenchSink(Consumer<JsonNode> sink) {
            this.benchSink = sink;
            return this;
        }

        /** Starts the server. */
        public ExploreServer start() {
            if (run == null || atlas == null) throw new IllegalStateException("setRun and setAtlas are required");
            ExploreServer s = new ExploreServer(this);
            s.start(port);
            return s;
        }
    }

    static String newToken() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private void start(int port) {
        app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.http.maxRequestSize = 4_000_000L;
        });
        app.before(this::guard);
        app.exception(UserError.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
        app.exception(NotImplementedFeature.class, (e, ctx) -> error(ctx, HttpStatus.NOT_IMPLEMENTED, e.getMessage()));
        // The spatial model's region cache is still being built: 202 and how far it is; the page polls /api/spatial/progress.
        app.exception(SpatialExplorer.NotReady.class, (e, ctx) -> ctx.status(HttpStatus.ACCEPTED).json(e.progress()));
        app.exception(NumberFormatException.class, (e, ctx) -> error(ctx, HttpStatus.BAD_REQUEST, "not a number: " + e.getMessage()));
        routes();
        try {
            app.start(host, port);
        } catch (RuntimeException e) {
            throw new UserError("cannot listen on " + host + ":" + port + " (" + rootMessage(e) + ").", e);
        }
        int p = app.port();
        String h = host.contains(":") ? "[" + host + "]" : host;
        allowedHosts = new java.util.HashSet<>(List.of("127.0.0.1:" + p, "localhost:" + p, "[::1]:" + p, (h + ":" + p).toLowerCase(Locale.ROOT)));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage();
    }

    private static void error(Context ctx, HttpStatus status, String message) {
        ctx.status(status).json(Map.of("error", message == null ? status.getMessage() : message));
    }

    /** Host check against DNS rebinding, then the token; sets the cookie on a page load with a good token. */
    private void guard(Context ctx) {
        String h = ctx.header("Host");
        if (h == null || !allowedHosts.contains(h.toLowerCase(Locale.ROOT))) {
            throw new ForbiddenResponse("this server answers only to its own address");
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "private, no-store");
        String fromQuery = ctx.queryParam("token");
        String fromHeader = ctx.header(TOKEN_HEADER);
        String fromCookie = ctx.cookie(cookieName());
        boolean write = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
        String given = fromHeader != null ? fromHeader : fromQuery != null ? fromQuery : write ? null : fromCookie;
        if (given == null) throw new UnauthorizedResponse("this explorer needs its access token; open the URL imvec explore printed");
        if (!MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            throw new ForbiddenResponse("wrong access token");
        }
        if (fromQuery != null && ctx.path().equals("/")) {
            Cookie c = new Cookie(cookieName(), token);
            c.setHttpOnly(true);
            c.setSameSite(SameSite.STRICT);
            c.setPath("/");
            ctx.cookie(c);
        }
    }

    /** Cookies ignore ports, so each server's cookie carries its port. */
    private String cookieName() {
        return "imvec_token_" + app.port();
    }

    private void routes() {
        app.get("/", this::index);
        app.get("/static/{name}", ctx -> resource(ctx, ctx.pathParam("name")));
        app.get("/vendor/{name}", ctx -> vendor(ctx, ctx.pathParam("name")));
        app.get("/api/run", ctx -> ctx.json(describe()));
        app.get("/api/layout/{kind}", this::layout);
        app.get("/api/spatial/progress", ctx -> ctx.json(spatial().progress()));
        app.get("/api/wordlayout", this::wordLayout);
        app.get("/api/diversity", this::diversity);
        app.get("/api/diversitylayout", this::diversityLayout);
        app.get("/api/clusters", this::clusters);
        app.get("/api/clusterlayout", ctx -> coordinates(ctx, ClusterLayout.of(clustersOf(ctx)), 2, null));
        app.post("/api/mapsearch", this::mapSearch);
        app.get("/api/attributes", ctx -> ctx.json(Attributes.of(run)));
        app.get("/api/atlas/{page}", ctx -> atlasPage(ctx, atlas));
        app.get("/api/preview/{page}", ctx -> {
            if (atlas.preview() == null) throw new io.javalin.http.NotFoundResponse("this atlas has no preview");
            atlasPage(ctx, atlas.preview());
        });
        app.get("/api/image/{row}", this::image);
        app.get("/api/item/{row}", ctx -> ctx.json(Attributes.item(run, row(ctx), labels.labels().get(run.id(row(ctx))))));
        app.get("/api/neighbours/{row}", ctx -> ctx.json(Neighbours.of(layerRun(ctx), row(ctx), intParam(ctx, "k", 24, 1, 200))));
        app.get("/api/search", this::search);
        app.get("/api/localise/{row}", this::localise);
        app.get("/api/labels", ctx -> ctx.json(labelState()));
        app.post("/api/labels", this::setLabel);
        app.post("/api/labels/undo", ctx -> ctx.json(labels.undo()));
        app.post("/api/export", this::export);
        if (benchSink != null) app.post("/api/bench", ctx -> {
            benchSink.accept(JSON.readTree(ctx.body()));
            ctx.json(Map.of("ok", true));
        });
    }

    private void index(Context ctx) throws IOException {
        String html = new String(classpath("imvec/explore/index.html"), StandardCharsets.UTF_8)
                .replace("<!--IMPORTMAP-->", "<script type=\"importmap\">" + IMPORT_MAP + "</script>");
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self' 'sha256-" + sha256(IMPORT_MAP)
                + "'; style-src 'self' 'unsafe-inline'; img-src 'self' blob: data:; connect-src 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    private static String sha256(String s) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void resource(Context ctx, String name) throws IOException {
        if (!STATIC.matcher(name).matches()) throw new io.javalin.http.NotFoundResponse("no such file");
        serve(ctx, "imvec/explore/" + name, name);
    }

    private void vendor(Context ctx, String name) throws IOException {
        String path = VENDOR.get(name);
        if (path == null) throw new io.javalin.http.NotFoundResponse("no such file");
        serve(ctx, path, name);
    }

    private void serve(Context ctx, String path, String name) throws IOException {
        byte[] body = resources.get(path);
        if (body == null) {
            body = classpath(path);
            resources.put(path, body);
        }
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.contentType(name.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8").result(body);
    }

    private static byte[] classpath(String path) throws IOException {
        try (InputStream in = ExploreServer.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new io.javalin.http.NotFoundResponse("no such file");
            return in.readAllBytes();
        }
    }

    private Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", run.dir().getFileName() == null ? run.dir().toString() : run.dir().getFileName().toString());
        m.put("n", run.n());
        m.put("layer", run.layer());
        m.put("layers", run.manifest().layers().stream().map(l -> l.name()).toList());
        m.put("dims", run.rows()[0].length);
        m.put("classes", run.classes());
        m.put("data", run.manifest().data() == null ? null : run.manifest().data().spec());
        m.put("model", run.manifest().model() == null ? null : run.manifest().model().path());
        m.put("topk", run.predictions() == null ? 0 : run.predictions().k());
        m.put("atlas", atlas.layout());
        m.put("preview", atlas.preview() == null ? null : atlas.preview().layout());
        m.put("search", scorer.describe());
        m.put("localisation", maps.available());
        m.put("spatial", spatial == null ? null : spatial.describeModel());
        m.put("labels_file", labels.csvFile().toString());
        m.put("version", imvec.util.Version.get());
        return m;
    }

    private void layout(Context ctx) {
        Layouts.Kind kind = Layouts.Kind.of(ctx.pathParam("kind"));
        ExploreRun r = layerRun(ctx);
        Layouts.State s = layerLayouts.computeIfAbsent(r.layer(), l -> new Layouts(r)).poll(kind);
        if (s.error() != null) {
            error(ctx, HttpStatus.UNPROCESSABLE_CONTENT, s.error());
        } else if (!s.ready()) {
            ctx.status(HttpStatus.ACCEPTED).json(Map.of("status", "computing", "progress", s.progress()));
        } else {
            coordinates(ctx, s.coordinates(), s.kind().dims(), r.layer());
        }
    }

    private static void coordinates(Context ctx, float[] coords, int dims, String layer) {
        ByteBuffer b = ByteBuffer.allocate(coords.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(coords);
        ctx.header("X-Dims", Integer.toString(dims));
        if (layer != null) ctx.header("X-Layer", layer);
        ctx.contentType("application/octet-stream").result(b.array());
    }

    /**
     * The run opened at the layer the request names ({@code ?layer=}, default the one the explorer
     * started with); each layer is read once and kept, with its layouts.
     */
    private ExploreRun layerRun(Context ctx) {
        String layer = ctx.queryParam("layer");
        if (layer == null || layer.isEmpty() || layer.equals(run.layer())) return run;
        List<String> names = run.manifest().layers().stream().map(l -> l.name()).toList();
        if (!names.contains(layer)) {
            String shown = layer.length() > 60 ? layer.substring(0, 60) + "…" : layer;
            String hint = imvec.util.Suggestions.didYouMean(shown, names);
            throw new UserError("the run has no layer '" + shown + "'" + (hint.isEmpty() ? "; it stores " + String.join(", ", names) + "." : hint));
        }
        return layerRuns.computeIfAbsent(layer, l -> ExploreRun.open(run.dir(), l));
    }

    private SpatialExplorer spatial() {
        if (spatial == null) throw new NotImplementedFeature();
        return spatial;
    }

    /** 501: the request is fine but this explorer was started without a spatial model. */
    private static final class NotImplementedFeature extends RuntimeException {
        NotImplementedFeature() {
            super("this needs the spatial visual-semantic model: start imvec explore with --spatial MODEL_DIR.", null, false, false);
        }
    }

    /** {@code ?x=word[&y=word]}: the collection along one or two words (N×2, like the other layouts). */
    private void wordLayout(Context ctx) {
        SpatialExplorer s = spatial();
        List<String> axis = new ArrayList<>();
        axis.add(ctx.queryParam("x") == null ? "" : ctx.queryParam("x"));
        String y = ctx.queryParam("y");
        if (y != null && !y.isBlank()) axis.add(y);
        coordinates(ctx, s.layout(axis), 2, null);
    }

    /** Every image's diversity (the spread of its region embeddings), for colouring and the legend. */
    private void diversity(Context ctx) {
        float[] d = spatial().diversity();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("definition", "per image, the mean over the head's blocks of the mean squared distance of its unit-normalised"
                + " location embeddings to their mean (0 = every location alike)");
        m.put("diversity", d);
        ctx.json(m);
    }

    /** {@code ?y=word} (optional): x = diversity, y = the word's score or a seeded spread (N×2). */
    private void diversityLayout(Context ctx) {
        SpatialExplorer s = spatial();
        String y = ctx.queryParam("y");
        coordinates(ctx, s.diversityLayout(y == null || y.isBlank() ? null : y), 2, null);
    }

    /** {@code ?words=a,b[,…]&min=0.5}: each image's word (−1 below the minimum score), its best word and score. */
    private void clusters(Context ctx) {
        var c = clustersOf(ctx);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("words", c.words());
        m.put("min_score", c.minScore());
        m.put("counts", c.counts());
        m.put("cluster", c.cluster());
        m.put("best", c.best());
        m.put("score", c.score());
        ctx.json(m);
    }

    private imvec.spatial.WordClusters clustersOf(Context ctx) {
        SpatialExplorer s = spatial();
        String words = ctx.queryParam("words");
        if (words == null || words.isBlank()) throw new UserError("give the words to cluster around (?words=a,b).");
        if (words.length() > 600) throw new UserError("the words to cluster around are at most 600 characters in all.");
        String min = ctx.queryParam("min");
        double minScore = 0;
        if (min != null && !min.isBlank()) {
            try {
                minScore = Double.parseDouble(min);
            } catch (NumberFormatException e) {
                minScore = Double.NaN;
            }
            if (!(minScore >= 0 && minScore <= 1)) throw new UserError("min must be a number from 0 to 1; got '" + shorten(min) + "'.");
        }
        List<String> list = new ArrayList<>();
        for (String w : words.split(",", -1)) list.add(w.strip());
        return s.clusters(list, minScore);
    }

    private static String shorten(String v) {
        return v.length() > 40 ? v.substring(0, 40) + "…" : v;
    }

    /** {@code {"query": {"word": [[1, 0], [0, -1]], …}, "top": k}} → the best images for the painted maps. */
    private void mapSearch(Context ctx) {
        SpatialExplorer s = spatial();
        JsonNode b = body(ctx);
        JsonNode top = b.get("top");
        if (top != null && (!top.canConvertToInt() || top.asInt() < 1 || top.asInt() > 1000)) {
            throw new UserError("top must be a whole number from 1 to 1000.");
        }
        List<SpatialExplorer.Hit> hits = s.search(b.get("query"), top == null ? 48 : top.asInt());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", hits.stream().map(SpatialExplorer.Hit::row).toList());
        m.put("ids", hits.stream().map(SpatialExplorer.Hit::id).toList());
        m.put("scores", hits.stream().map(SpatialExplorer.Hit::score).toList());
        ctx.json(m);
    }

    private static void atlasPage(Context ctx, ThumbnailAtlas atlas) throws IOException {
        String p = ctx.pathParam("page");
        if (!ROW.matcher(p).matches()) throw new UserError("an atlas page is a number.");
        Path f = atlas.page(Integer.parseInt(p));
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.contentType("image/png").result(Files.readAllBytes(f));
    }

    private int row(Context ctx) {
        String r = ctx.pathParam("row");
        if (!ROW.matcher(r).matches()) throw new UserError("an image is named by its row number, not '" + r + "'.");
        return run.checkRow(Integer.parseInt(r));
    }

    private static int intParam(Context ctx, String name, int dflt, int lo, int hi) {
        String v = ctx.queryParam(name);
        if (v == null) return dflt;
        if (!ROW.matcher(v).matches()) throw new UserError(name + " must be a whole number; got '" + v + "'.");
        int k = Integer.parseInt(v);
        if (k < lo || k > hi) throw new UserError(name + " must be " + lo + " to " + hi + "; got " + k + ".");
        return k;
    }

    private void image(Context ctx) throws IOException {
        int r = row(ctx);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ThumbnailAtlas.write(ThumbnailAtlas.toBuffered(run.image(r)), out);
        ctx.header("Cache-Control", "private, max-age=3600");
        ctx.contentType("image/png").result(out.toByteArray());
    }

    private void search(Context ctx) {
        String word = ctx.queryParam("word");
        if (word == null || word.isBlank()) throw new UserError("give a word to search for (?word=...).");
        if (word.length() > 100) throw new UserError("a search word is at most 100 characters.");
        int top = intParam(ctx, "top", 100, 1, 10_000);
        WordScorer.Scores s = scorer.score(word);
        Integer[] order = new Integer[s.scores().length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        float[] v = s.scores();
        java.util.Arrays.sort(order, (a, b) -> v[a] != v[b] ? Float.compare(v[b], v[a]) : Integer.compare(a, b));
        List<Integer> best = new ArrayList<>(List.of(order).subList(0, Math.min(top, order.length)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("word", s.word());
        m.put("matched", s.matched());
        m.put("method", s.method());
        m.put("top", best);
        m.put("scores", v);
        ctx.json(m);
    }

    private void localise(Context ctx) {
        int r = row(ctx);
        String word = ctx.queryParam("word");
        if (word == null || word.isBlank()) throw new UserError("give a word to localise (?word=...).");
        var map = maps.map(r, word);
        if (map.isEmpty()) {
            error(ctx, HttpStatus.NOT_IMPLEMENTED, "localisation maps need the spatial visual-semantic model, which this explorer has not got.");
        } else {
            ctx.json(map.get());
        }
    }

    private Map<String, Object> labelState() {
        Map<String, String> byId = labels.labels();
        List<String> names = new ArrayList<>(labels.counts().keySet());
        Map<String, Integer> code = new java.util.HashMap<>();
        for (int i = 0; i < names.size(); i++) code.put(names.get(i), i);
        int[] codes = new int[run.n()];
        for (int r = 0; r < codes.length; r++) {
            String l = byId.get(run.id(r));
            codes[r] = l == null ? -1 : code.get(l);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("names", names);
        m.put("counts", labels.counts());
        m.put("codes", codes);
        m.put("file", labels.csvFile().toString());
        return m;
    }

    private List<String> idsOf(JsonNode rows) {
        if (rows == null || !rows.isArray()) throw new UserError("give the images as \"rows\": [row numbers].");
        List<String> ids = new ArrayList<>();
        for (JsonNode r : rows) {
            if (!r.canConvertToInt()) throw new UserError("rows must be whole numbers.");
            ids.add(run.id(run.checkRow(r.asInt())));
        }
        return ids;
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode b = JSON.readTree(ctx.body());
            if (b == null || !b.isObject()) throw new UserError("send a JSON object.");
            return b;
        } catch (IOException e) {
            throw new UserError("the request body is not JSON: " + e.getMessage(), e);
        }
    }

    private void setLabel(Context ctx) {
        JsonNode b = body(ctx);
        JsonNode label = b.get("label");
        if (label == null || !label.isTextual()) throw new UserError("give the label as \"label\": \"name\".");
        ctx.json(labels.set(label.asText(), idsOf(b.get("rows"))));
    }

    private void export(Context ctx) throws IOException {
        JsonNode b = body(ctx);
        String name = b.path("name").asText("");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}") || name.contains("..")) {
            throw new UserError("an export name is 1 to 64 letters, digits, '_', '-' or '.', starting with a letter or digit.");
        }
        List<Integer> rows = new ArrayList<>();
        for (String id : idsOf(b.get("rows"))) rows.add(run.ids().indexOf(id));
        Path dir = run.dir().resolve("exports");
        String format = b.path("format").asText("paths");
        Map<String, Object> m = new LinkedHashMap<>();
        if (format.equals("paths")) {
            Path f = dir.resolve(name + ".txt");
            StringBuilder s = new StringBuilder();
            for (int r : rows) s.append(run.id(r)).append('\n');
            AtomicFiles.writeString(f, s.toString());
            m.put("file", f.toString());
            m.put("paths", rows.stream().map(run::id).toList());
        } else if (format.equals("folder")) {
            m.put("folder", Exports.copyFolder(run, rows, dir.resolve(name)).toString());
        } else {
            throw new UserError("export format is paths or folder, not '" + format + "'.");
        }
        m.put("images", rows.size());
        m.put("data", run.manifest().data() == null ? null : run.manifest().data().spec());
        ctx.json(m);
    }

    /** The address to open, token included. */
    public URI url() {
        String h = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + app.port() + "/?token=" + token);
    }

    public int port() {
        return app.port();
    }

    public String token() {
        return token;
    }

    public LabelJournal labels() {
        return labels;
    }

    public Layouts layouts() {
        return layouts;
    }

    @Override
    public void close() {
        if (app != null) app.stop();
        layerLayouts.values().forEach(Layouts::close);
    }
}
