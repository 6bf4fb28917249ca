package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The explorer's spatial-model endpoints and layer switching, through HTTP, with a small real model. */
class ExploreSpatialServerTest {
    @TempDir
    static Path dir;
    static SpatialFixture.Built built;
    static ExploreRun run;
    static ExploreServer server;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        built = SpatialFixture.build(dir);
        run = ExploreRun.open(built.run(), null);
        SpatialExplorer spatial = SpatialExplorer.open(run, built.model(), null, null, d -> { });
        server = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).optSpatial(spatial).start();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Http.Response get(ExploreServer s, String path) throws Exception {
        return Http.send(s.port(), "GET", path + (path.contains("?") ? "&" : "?") + "token=" + s.token(), "127.0.0.1:" + s.port(), null, null);
    }

    static Http.Response get(String path) throws Exception {
        return get(server, path);
    }

    static Http.Response post(String path, String body) throws Exception {
        return Http.send(server.port(), "POST", path, "127.0.0.1:" + server.port(), "X-Imvec-Token: " + server.token() + "\r\n", body);
    }

    static JsonNode json(Http.Response r) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static FloatBuffer floats(Http.Response r) {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    /** A 400 whose error is one sentence containing {@code words}. */
    static void oneSentence(Http.Response r, String words) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        String e = JSON.readTree(r.body()).get("error").asText();
        assertThat(e).contains(words).doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void theRunSaysItHasTheSpatialModel() throws Exception {
        JsonNode r = json(get("/api/run"));
        assertThat(r.get("localisation").asBoolean()).isTrue();
        assertThat(r.get("search").asText()).contains("zero-shot");
        assertThat(r.get("spatial").get("tap").asText()).isEqualTo("conv_pw_13_relu");
        assertThat(r.get("spatial").get("map_size").toString()).isEqualTo("[4,4]");
        assertThat(r.get("layers").toString()).isEqualTo("[\"mean\",\"colour\"]");
    }

    @Test
    void aWordRanksThePlantedImageFirst() throws Exception {
        assertThat(built.planted()).isGreaterThanOrEqualTo(0);
        JsonNode r = json(get("/api/search?word=blood&top=5"));
        assertThat(r.get("top").get(0).asInt()).isEqualTo(built.planted());
        assertThat(r.get("method").asText()).contains("spatial");
        assertThat(r.get("scores").size()).isEqualTo(run.n());
        // The planted image is the only one with red in it: its score stands apart.
        double second = r.get("scores").get(r.get("top").get(1).asInt()).asDouble();
        assertThat(r.get("scores").get(built.planted()).asDouble()).isGreaterThan(second);
    }

    @Test
    void badWordsGetOneSentence() throws Exception {
        oneSentence(get("/api/search?word=" + q("../../etc/passwd")), "a word is 1 to 64 letters");
        oneSentence(get("/api/search?word=" + q("<script>")), "a word is 1 to 64 letters");
        oneSentence(get("/api/search?word=rde"), "no word vector");
        oneSentence(get("/api/localise/0?word=" + q("x".repeat(70))), "a word is 1 to 64 letters");
        oneSentence(get("/api/wordlayout?x=" + q("a;b")), "a word is 1 to 64 letters");
        oneSentence(get("/api/localise/9999?word=blood"), "no image 9999");
    }

    @Test
    void localisationMapsAreProbabilitiesOverTheImageAndHighestWhereTheWordIs() throws Exception {
        JsonNode red = json(get("/api/localise/" + built.planted() + "?word=blood"));
        assertThat(red.get("rows").asInt()).isEqualTo(4);
        assertThat(red.get("cols").asInt()).isEqualTo(4);
        assertThat(red.get("scores").size()).isEqualTo(16);
        // The red cells are the right half of the planted image: the right two columns of the 4×4 locations.
        double in = 0, out = 0;
        for (int i = 0; i < 16; i++) {
            double v = red.get("scores").get(i).asDouble();
            assertThat(v).isBetween(0.0, 1.0);
            if (i % 4 >= 2) in += v / 8;
            else out += v / 8;
        }
        assertThat(in).isGreaterThan(out);
    }

    @Test
    void oneWordLayoutPutsThePlantedImageFurthestAlong() throws Exception {
        FloatBuffer f = floats(get("/api/wordlayout?x=blood"));
        assertThat(f.remaining()).isEqualTo(run.n() * 2);
        int best = 0;
        for (int i = 0; i < run.n(); i++) {
            assertThat(Math.abs(f.get(2 * i))).isLessThanOrEqualTo(1.0001f);
            if (f.get(2 * i) > f.get(2 * best)) best = i;
        }
        assertThat(best).isEqualTo(built.planted());
        // y is a seeded spread: the same on a second call, and not all equal.
        FloatBuffer again = floats(get("/api/wordlayout?x=blood"));
        assertThat(again.get(1)).isEqualTo(f.get(1));
        assertThat(f.get(1)).isNotEqualTo(f.get(3));
    }

    @Test
    void twoWordLayoutPlacesEachImageByItsTwoScores() throws Exception {
        FloatBuffer f = floats(get("/api/wordlayout?x=blood&y=leaf"));
        assertThat(f.remaining()).isEqualTo(run.n() * 2);
        JsonNode red = json(get("/api/search?word=blood")).get("scores"), green = json(get("/api/search?word=leaf")).get("scores");
        // Each axis is the word's score stretched to [−1, 1]: the order of the scores, the extremes at the ends.
        for (int i = 0; i < run.n(); i++) {
            for (int j = 0; j < run.n(); j++) {
                if (red.get(i).asDouble() > red.get(j).asDouble()) assertThat(f.get(2 * i)).isGreaterThanOrEqualTo(f.get(2 * j));
                if (green.get(i).asDouble() > green.get(j).asDouble()) assertThat(f.get(2 * i + 1)).isGreaterThanOrEqualTo(f.get(2 * j + 1));
            }
        }
        assertThat(f.get(2 * built.planted())).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void diversityIsOneValuePerImageCachedBesideTheMapsAndIsTheDiversityLayoutsXAxis() throws Exception {
        JsonNode d = json(get("/api/diversity")).get("diversity");
        assertThat(d.size()).isEqualTo(run.n());
        for (JsonNode v : d) assertThat(v.asDouble()).isBetween(0.0, 1.0);
        // A grey scene and a scene of mixed colour cells do not look alike everywhere: the values spread.
        double lo = 1, hi = 0;
        for (JsonNode v : d) {
            lo = Math.min(lo, v.asDouble());
            hi = Math.max(hi, v.asDouble());
        }
        assertThat(hi - lo).isGreaterThan(0.01);
        assertThat(regionCaches()).isNotEmpty().allSatisfy(c -> assertThat(c.resolve("diversity.npy")).isRegularFile());
        FloatBuffer f = floats(get("/api/diversitylayout?y=blood"));
        assertThat(f.remaining()).isEqualTo(run.n() * 2);
        JsonNode red = json(get("/api/search?word=blood")).get("scores");
        for (int i = 0; i < run.n(); i++) {
            assertThat(Math.abs(f.get(2 * i))).isLessThanOrEqualTo(1.0001f);
            for (int j = 0; j < run.n(); j++) {
                if (d.get(i).asDouble() > d.get(j).asDouble()) assertThat(f.get(2 * i)).isGreaterThanOrEqualTo(f.get(2 * j));
                if (red.get(i).asDouble() > red.get(j).asDouble()) assertThat(f.get(2 * i + 1)).isGreaterThanOrEqualTo(f.get(2 * j + 1));
            }
        }
        // Without a word y is a seeded spread: the same twice, not all equal; x stays the diversity.
        FloatBuffer spread = floats(get("/api/diversitylayout")), again = floats(get("/api/diversitylayout"));
        assertThat(spread.get(1)).isEqualTo(again.get(1)).isNotEqualTo(spread.get(3));
        for (int i = 0; i < run.n(); i++) assertThat(spread.get(2 * i)).isEqualTo(f.get(2 * i));
    }

    @Test
    void clustersPutEachImageWithItsBestWordAndTheLayoutKeepsClustersApart() throws Exception {
        List<String> words = List.of("sea", "leaf", "blood");
        JsonNode c = json(get("/api/clusters?words=sea,leaf,blood"));
        assertThat(c.get("words").toString()).isEqualTo("[\"sea\",\"leaf\",\"blood\"]");
        JsonNode[] scores = new JsonNode[3];
        for (int j = 0; j < 3; j++) scores[j] = json(get("/api/search?word=" + words.get(j))).get("scores");
        int[] count = new int[3];
        for (int i = 0; i < run.n(); i++) {
            int best = 0;
            for (int j = 1; j < 3; j++) if (scores[j].get(i).asDouble() > scores[best].get(i).asDouble()) best = j;
            assertThat(c.get("cluster").get(i).asInt()).as("image %d", i).isEqualTo(best);
            assertThat(c.get("score").get(i).asDouble()).isCloseTo(scores[best].get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-6));
            count[best]++;
        }
        for (int j = 0; j < 3; j++) assertThat(c.get("counts").get(words.get(j)).asInt()).isEqualTo(count[j]);
        assertThat(c.get("counts").has("none")).isFalse();

        FloatBuffer f = floats(get("/api/clusterlayout?words=sea,leaf,blood"));
        assertThat(f.remaining()).isEqualTo(run.n() * 2);
        double[][] centre = new double[3][2];
        for (int i = 0; i < run.n(); i++) {
            int k = c.get("cluster").get(i).asInt();
            centre[k][0] += f.get(2 * i) / count[k];
            centre[k][1] += f.get(2 * i + 1) / count[k];
        }
        // Every image lies nearer the centre of its own cluster than of any other.
        for (int i = 0; i < run.n(); i++) {
            int k = c.get("cluster").get(i).asInt();
            for (int j = 0; j < 3; j++) {
                if (j == k || count[j] == 0) continue;
                assertThat(dist(f, i, centre[k])).as("image %d", i).isLessThan(dist(f, i, centre[j]));
            }
        }

        // A bar at the median best score sends the images below it to 'none', and they get their own disc.
        double[] best = new double[run.n()];
        for (int i = 0; i < run.n(); i++) best[i] = c.get("score").get(i).asDouble();
        // Halfway between two neighbouring best scores, so no score sits on the bar (a float and its decimal differ).
        double[] sorted = java.util.Arrays.stream(best).sorted().toArray();
        assertThat(sorted[run.n() / 2]).isGreaterThan(sorted[run.n() / 2 - 1]);
        double bar = (sorted[run.n() / 2] + sorted[run.n() / 2 - 1]) / 2;
        JsonNode some = json(get("/api/clusters?words=sea,leaf,blood&min=" + bar));
        int below = 0;
        for (int i = 0; i < run.n(); i++) {
            boolean under = best[i] < bar;
            if (under) below++;
            assertThat(some.get("cluster").get(i).asInt()).as("image %d", i).isEqualTo(under ? -1 : c.get("cluster").get(i).asInt());
        }
        assertThat(below).isPositive();
        assertThat(some.get("counts").get("none").asInt()).isEqualTo(below);
        FloatBuffer g = floats(get("/api/clusterlayout?words=sea,leaf,blood&min=" + bar));
        double[] noneCentre = new double[2];
        for (int i = 0; i < run.n(); i++) {
            if (some.get("cluster").get(i).asInt() >= 0) continue;
            noneCentre[0] += g.get(2 * i) / below;
            noneCentre[1] += g.get(2 * i + 1) / below;
        }
        double spread = 0;
        for (int i = 0; i < run.n(); i++) if (some.get("cluster").get(i).asInt() < 0) spread = Math.max(spread, dist(g, i, noneCentre));
        for (int i = 0; i < run.n(); i++) if (some.get("cluster").get(i).asInt() >= 0) assertThat(dist(g, i, noneCentre)).isGreaterThan(spread);
    }

    static double dist(FloatBuffer f, int i, double[] p) {
        return Math.hypot(f.get(2 * i) - p[0], f.get(2 * i + 1) - p[1]);
    }

    @Test
    void badDiversityAndClusterRequestsGetOneSentence() throws Exception {
        oneSentence(get("/api/diversitylayout?y=rde"), "no word vector");
        oneSentence(get("/api/diversitylayout?y=" + q("a/b")), "a word is 1 to 64 letters");
        oneSentence(get("/api/clusters?words=sea,rde"), "no word vector");
        oneSentence(get("/api/clusterlayout?words=sea,rde"), "no word vector");
        oneSentence(get("/api/clusters?words=sea"), "2 to 8 words");
        oneSentence(get("/api/clusters?words=" + q("a,b,c,d,e,f,g,h,i")), "2 to 8 words");
        oneSentence(get("/api/clusters?words=sea,sea"), "given twice");
        oneSentence(get("/api/clusters?words=sea,,leaf"), "type a word");
        oneSentence(get("/api/clusters"), "give the words to cluster around");
        oneSentence(get("/api/clusters?words=sea,leaf&min=2"), "min must be a number from 0 to 1");
        oneSentence(get("/api/clusters?words=sea,leaf&min=NaN"), "min must be a number from 0 to 1");
        oneSentence(get("/api/clusterlayout?words=sea,leaf&min=x"), "min must be a number from 0 to 1");
        for (String p : List.of("/api/diversity", "/api/diversitylayout", "/api/clusters?words=sea,leaf", "/api/clusterlayout?words=sea,leaf")) {
            assertThat(Http.send(server.port(), "GET", p, "127.0.0.1:" + server.port(), null, null).status()).as(p).isEqualTo(401);
            assertThat(Http.send(server.port(), "GET", p + (p.contains("?") ? "&" : "?") + "token=wrong", "127.0.0.1:" + server.port(), null, null).status())
                    .as(p).isEqualTo(403);
        }
    }

    @Test
    void mapSearchFindsThePlantedImage() throws Exception {
        JsonNode r = json(post("/api/mapsearch", "{\"query\": {\"blood\": [[-1, 1], [-1, 1]]}, \"top\": 3}"));
        assertThat(r.get("rows").get(0).asInt()).isEqualTo(built.planted());
        assertThat(r.get("ids").get(0).asText()).isEqualTo(run.id(built.planted()));
        assertThat(r.get("rows").size()).isEqualTo(3);
        // Red nowhere (a word with a blank grid adds nothing) scores each image minus red everywhere.
        JsonNode not = json(post("/api/mapsearch", "{\"query\": {\"blood\": [[-1, -1], [-1, -1]], \"sea\": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]}}"));
        JsonNode all = json(post("/api/mapsearch", "{\"query\": {\"blood\": [[1]]}, \"top\": 1000}"));
        assertThat(not.get("rows").size()).isEqualTo(run.n());
        java.util.Map<Integer, Double> everywhere = new java.util.HashMap<>();
        for (int k = 0; k < run.n(); k++) everywhere.put(all.get("rows").get(k).asInt(), all.get("scores").get(k).asDouble());
        for (int k = 0; k < run.n(); k++) {
            assertThat(not.get("scores").get(k).asDouble()).isCloseTo(-everywhere.get(not.get("rows").get(k).asInt()), org.assertj.core.data.Offset.offset(1e-9));
        }
    }

    @Test
    void badMapQueriesGetOneSentence() throws Exception {
        oneSentence(post("/api/mapsearch", "{\"query\": {\"blood\": [[1, 0], [1]]}}"), "not rectangular");
        oneSentence(post("/api/mapsearch", "{\"query\": {\"blood\": [[2, 0], [1, 0]]}}"), "cells must be 1, -1 or 0");
        oneSentence(post("/api/mapsearch", "{\"query\": {\"blood\": " + grid(9) + "}}"), "at most 8×8");
        oneSentence(post("/api/mapsearch", "{\"query\": []}"), "must be a JSON object");
        oneSentence(post("/api/mapsearch", "{\"query\": {\"r/d\": [[1]]}}"), "a word is 1 to 64 letters");
        oneSentence(post("/api/mapsearch", "{\"query\": {\"blood\": [[1]]}, \"top\": 0}"), "top must be");
        oneSentence(post("/api/mapsearch", "{\"query\": {\"a\": [[1]], \"b\": [[1]], \"c\": [[1]], \"d\": [[1]], \"e\": [[1]]}}"), "at most 4 words");
    }

    static String grid(int side) {
        List<String> rows = new ArrayList<>();
        for (int r = 0; r < side; r++) rows.add("[" + String.join(",", java.util.Collections.nCopies(side, "1")) + "]");
        return "[" + String.join(",", rows) + "]";
    }

    static List<Path> regionCaches() throws Exception {
        try (Stream<Path> s = Files.list(run.dir().resolve("explore/spatial"))) {
            return s.filter(p -> p.getFileName().toString().matches("regions-[0-9a-f]{16}-[0-9a-f]{16}")).toList();
        }
    }

    @Test
    void regionEmbeddingsAreCachedOnceOnDiskAndReused() throws Exception {
        List<Path> caches = new ArrayList<>();
        for (Path c : regionCaches()) {
            if (JSON.readTree(c.resolve("regions.json").toFile()).get("storage").asText().equals("FLOAT16")) caches.add(c);
        }
        assertThat(caches).hasSize(1);
        Path cache = caches.get(0);
        // MobileNet's 768 channels against k·d = 500: the head's unit blocks are stored, float16.
        JsonNode made = JSON.readTree(cache.resolve("regions.json").toFile());
        assertThat(made.get("layout").asText()).isEqualTo("UNIT_BLOCKS");
        assertThat(made.get("storage").asText()).isEqualTo("FLOAT16");
        assertThat(made.get("images").asInt()).isEqualTo(run.n());
        assertThat(made.get("model").asText()).isEqualTo(built.model().toAbsolutePath().toString());
        assertThat(made.get("tap").asText()).isEqualTo("conv_pw_13_relu");
        assertThat(made.get("version").asText()).isNotBlank();
        assertThat(imvec.store.Npy.header(cache.resolve("features.npy")).descr()).isEqualTo("<f2");
        FileTime before = Files.getLastModifiedTime(cache.resolve("features.npy"));
        AtomicLong reported = new AtomicLong();
        SpatialExplorer again = SpatialExplorer.open(run, built.model(), built.words(), null, reported::set);
        assertThat(reported.get()).isEqualTo(run.n());
        assertThat(again.progress()).containsEntry("status", "ready").containsEntry("done", (long) run.n());
        assertThat(Files.getLastModifiedTime(cache.resolve("features.npy"))).isEqualTo(before);
        assertThat(again.score("blood").scores()).containsExactly(json(get("/api/search?word=blood")).get("scores").traverse(JSON).readValueAs(float[].class));
        try (Stream<Path> s = Files.walk(run.dir().resolve("explore/spatial"))) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count()).isZero();
        }
    }

    @Test
    void concurrentRequestsForANewWordShareOneScoring() throws Exception {
        SpatialExplorer s = SpatialExplorer.open(run, built.model(), built.words(), null, d -> { });
        int before = s.scorings();
        List<java.util.concurrent.Future<float[]>> asked = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(6)) {
            for (int i = 0; i < 6; i++) asked.add(pool.submit(() -> s.score("river").scores()));
            for (var f : asked) assertThat(f.get()).containsExactly(asked.get(0).get());
        }
        assertThat(s.scorings()).isEqualTo(before + 1);
        s.score("river");
        assertThat(s.scorings()).isEqualTo(before + 1);
    }

    @Test
    void whileTheCacheIsBuiltSpatialRequestsAnswer202WithProgressUntilItIsReady() throws Exception {
        // Float32 features are another cache (another key): this one is built now, in the background.
        SpatialExplorer fresh = SpatialExplorer.open(run, built.model(), built.words(), null, imvec.spatial.RegionCache.Storage.FLOAT32);
        assertThat(fresh.progress()).containsEntry("status", "computing");
        try (ExploreServer s = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).optSpatial(fresh).start()) {
            Http.Response first = get(s, "/api/search?word=blood");
            if (first.status() == 202) {
                JsonNode p = JSON.readTree(first.body());
                assertThat(p.get("status").asText()).isEqualTo("computing");
                assertThat(p.get("done").asLong()).isBetween(0L, (long) run.n());
                assertThat(p.get("total").asInt()).isEqualTo(run.n());
            } else {
                assertThat(first.status()).as(first.text()).isEqualTo(200);
            }
            // Other requests go on meanwhile.
            assertThat(get(s, "/api/layout/pca2").status()).isEqualTo(200);
            long last = -1;
            JsonNode p;
            long deadline = System.nanoTime() + 600_000_000_000L;
            do {
                p = JSON.readTree(get(s, "/api/spatial/progress").body());
                assertThat(p.get("done").asLong()).isGreaterThanOrEqualTo(last);
                last = p.get("done").asLong();
                if (!p.get("status").asText().equals("ready")) Thread.sleep(50);
            } while (!p.get("status").asText().equals("ready") && System.nanoTime() < deadline);
            assertThat(p.get("status").asText()).isEqualTo("ready");
            assertThat(p.get("done").asInt()).isEqualTo(run.n());
            JsonNode r = json(get(s, "/api/search?word=blood&top=1"));
            assertThat(r.get("top").get(0).asInt()).isEqualTo(built.planted());
        }
    }

    @Test
    void theProgressEndpointSaysTheCacheIsReadyWithEveryImageDone() throws Exception {
        JsonNode p = json(get("/api/spatial/progress"));
        assertThat(p.get("status").asText()).isEqualTo("ready");
        assertThat(p.get("total").asInt()).isEqualTo(run.n());
        assertThat(p.get("done").asInt()).isEqualTo(p.get("total").asInt());
        assertThat(p.get("progress").asDouble()).isEqualTo(1.0);
        assertThat(Http.send(server.port(), "GET", "/api/spatial/progress", "127.0.0.1:" + server.port(), null, null).status()).isEqualTo(401);
    }

    @Test
    void layersSwitchWithTheirOwnLayoutsAndNeighbours() throws Exception {
        Http.Response r = get("/api/layout/pca2?layer=mean");
        FloatBuffer f = floats(r);
        assertThat(f.remaining()).isEqualTo(run.n() * 2);
        assertThat(r.headers()).contains("X-Layer: mean");
        assertThat(run.dir().resolve("explore/mean/pca2.npy")).isRegularFile();
        JsonNode nn = json(get("/api/neighbours/" + built.planted() + "?layer=mean&k=3"));
        assertThat(nn.get("layer").asText()).isEqualTo("mean");
        JsonNode nnColour = json(get("/api/neighbours/0?k=3"));
        assertThat(nnColour.get("layer").asText()).isEqualTo("colour");
        // Neighbours in the 3-dim mean-colour layer: the closest by cosine of mean colours, itself left out.
        JsonNode five = json(get("/api/neighbours/0?layer=mean&k=5"));
        assertThat(five.get("rows").size()).isEqualTo(5);
        for (JsonNode row : five.get("rows")) assertThat(row.asInt()).isNotZero();
        for (int k = 1; k < 5; k++) assertThat(five.get("cosines").get(k).asDouble()).isLessThanOrEqualTo(five.get("cosines").get(k - 1).asDouble());
        oneSentence(get("/api/layout/pca2?layer=colr"), "did you mean colour");
        oneSentence(get("/api/neighbours/0?layer=" + q("../../x")), "the run has no layer");
    }

    @Test
    void withoutTheModelTheSpatialEndpointsSay501() throws Exception {
        try (ExploreServer plain = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).start()) {
            assertThat(get(plain, "/api/wordlayout?x=blood").status()).isEqualTo(501);
            assertThat(get(plain, "/api/localise/0?word=blood").status()).isEqualTo(501);
            assertThat(get(plain, "/api/spatial/progress").status()).isEqualTo(501);
            for (String p : List.of("/api/diversity", "/api/diversitylayout?y=blood", "/api/clusters?words=sea,leaf", "/api/clusterlayout?words=sea,leaf")) {
                assertThat(get(plain, p).status()).as(p).isEqualTo(501);
            }
            assertThat(JSON.readTree(get(plain, "/api/run").body()).get("spatial").isNull()).isTrue();
        }
    }
}
