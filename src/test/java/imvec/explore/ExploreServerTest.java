package imvec.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.data.DataSpecs;
import imvec.data.Image;
import imvec.data.ImageSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every endpoint through HTTP against the fixture run, and the safety rules. */
class ExploreServerTest {
    @TempDir
    static Path dir;
    static ExploreRun run;
    static ExploreServer server;
    static String token;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        Path r = ExploreFixture.build(dir);
        run = ExploreRun.open(r, null);
        server = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).start();
        token = server.token();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Http.Response get(String path) throws Exception {
        return Http.send(server.port(), "GET", path + (path.contains("?") ? "&" : "?") + "token=" + token, host(), null, null);
    }

    static Http.Response post(String path, String body) throws Exception {
        return Http.send(server.port(), "POST", path, host(), "X-Imvec-Token: " + token + "\r\n", body);
    }

    static String host() {
        return "127.0.0.1:" + server.port();
    }

    static JsonNode json(Http.Response r) throws Exception {
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void theUrlIsLocalAndCarriesTheToken() {
        assertThat(server.url().toString()).startsWith("http://127.0.0.1:" + server.port() + "/?token=").endsWith(token);
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void thePageAndItsScriptsAreServed() throws Exception {
        Http.Response page = get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.text()).contains("type=\"importmap\"").contains("/static/app.js");
        assertThat(page.headers()).contains("Content-Security-Policy").contains("HttpOnly").contains("SameSite=Strict");
        for (String p : List.of("/static/app.js", "/static/map.js", "/static/api.js", "/static/style.css",
                "/vendor/three.module.min.js", "/vendor/three.core.min.js", "/vendor/OrbitControls.js", "/vendor/d3.min.js")) {
            Http.Response r = get(p);
            assertThat(r.status()).as(p).isEqualTo(200);
            assertThat(r.body().length).as(p).isGreaterThan(500);
        }
    }

    @Test
    void runDescribesTheRun() throws Exception {
        JsonNode r = json(get("/api/run"));
        assertThat(r.get("n").asInt()).isEqualTo(60);
        assertThat(r.get("layer").asText()).isEqualTo("colour");
        assertThat(r.get("classes").toString()).isEqualTo("[\"blue\",\"green\",\"red\"]");
        assertThat(r.get("atlas").get("pages").asInt()).isEqualTo(1);
        assertThat(r.get("localisation").asBoolean()).isFalse();
    }

    @Test
    void layoutsAreCoordinatesInTheUnitBoxAndCached() throws Exception {
        for (String kind : List.of("pca2", "pca3", "tsne2", "tsne3")) {
            Http.Response r = get("/api/layout/" + kind);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (r.status() == 202 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                r = get("/api/layout/" + kind);
            }
            assertThat(r.status()).as(kind + ": " + r.text()).isEqualTo(200);
            int dims = kind.endsWith("3") ? 3 : 2;
            assertThat(r.body().length).isEqualTo(60 * dims * 4);
            var f = ByteBuffer.wrap(r.body()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            float max = 0;
            while (f.hasRemaining()) max = Math.max(max, Math.abs(f.get()));
            assertThat(max).isBetween(0.99f, 1.0001f);
            assertThat(run.dir().resolve("explore/colour/" + kind + ".npy")).isRegularFile();
        }
        // Classes fall apart on the PCA map of colour features: each class's points sit nearer their own centre.
        var f = ByteBuffer.wrap(get("/api/layout/pca2").body()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        double[][] c = new double[3][2];
        for (int i = 0; i < 60; i++) {
            c[run.label(i)][0] += f.get(2 * i) / 20;
            c[run.label(i)][1] += f.get(2 * i + 1) / 20;
        }
        for (int i = 0; i < 60; i++) {
            int nearest = 0;
            for (int k = 1; k < 3; k++) {
                if (Math.hypot(f.get(2 * i) - c[k][0], f.get(2 * i + 1) - c[k][1])
                        < Math.hypot(f.get(2 * i) - c[nearest][0], f.get(2 * i + 1) - c[nearest][1])) nearest = k;
            }
            assertThat(nearest).isEqualTo(run.label(i));
        }
        assertThat(get("/api/layout/umap").status()).isEqualTo(400);
    }

    @Test
    void attributesAndItemsCarryLabelsAndPredictions() throws Exception {
        JsonNode a = json(get("/api/attributes"));
        assertThat(a.get("label").size()).isEqualTo(60);
        assertThat(a.get("predicted").get(ExploreFixture.PLANTED).asInt()).isEqualTo(2);
        JsonNode it = json(get("/api/item/" + ExploreFixture.PLANTED));
        assertThat(it.get("id").asText()).isEqualTo("green/003.png");
        assertThat(it.get("label").asText()).isEqualTo("green");
        assertThat(it.get("topk").get(0).get("class").asText()).isEqualTo("red");
        assertThat(it.get("topk").get(0).get("p").asDouble()).isCloseTo(0.995, org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void imagesAreTheDataSetsPixelsAndTheAtlasHoldsThumbnails() throws Exception {
        ImageSet set = DataSpecs.open(run.manifest().data().spec(), null);
        for (int row : new int[] {0, 23, 59}) {
            Http.Response r = get("/api/image/" + row);
            assertThat(r.headers()).contains("image/png");
            BufferedImage served = ImageIO.read(new ByteArrayInputStream(r.body()));
            int index = 0;
            while (!set.id(index).equals(run.id(row))) index++;
            Image original = set.read(index);
            assertThat(served.getWidth()).isEqualTo(original.width());
            for (int y = 0; y < original.height(); y += 5) {
                for (int x = 0; x < original.width(); x += 5) {
                    int rgb = served.getRGB(x, y);
                    assertThat((rgb >> 16) & 0xFF).isEqualTo(original.sample(y, x, 0));
                    assertThat(rgb & 0xFF).isEqualTo(original.sample(y, x, 2));
                }
            }
        }
        BufferedImage page = ImageIO.read(new ByteArrayInputStream(get("/api/atlas/0").body()));
        assertThat(page.getWidth()).isEqualTo(8 * 32);
        assertThat(page.getHeight()).isEqualTo(8 * 32);
        // Tile 40 (red/000.png) is mostly red; tile 0 (blue/000.png) mostly blue.
        int red = page.getRGB(40 % 8 * 32 + 16, 40 / 8 * 32 + 16), blue = page.getRGB(16, 16);
        assertThat((red >> 16) & 0xFF).isGreaterThan(red & 0xFF);
        assertThat(blue & 0xFF).isGreaterThan((blue >> 16) & 0xFF);
        assertThat(get("/api/atlas/1").status()).isEqualTo(400);
        assertThat(get("/api/image/60").status()).isEqualTo(400);
        // The preview atlas: the same tiles a quarter the side, every image on one page, the same colours.
        JsonNode preview = json(get("/api/run")).get("preview");
        assertThat(preview.get("tile").asInt()).isEqualTo(8);
        assertThat(preview.get("pages").asInt()).isEqualTo(1);
        int ptpr = preview.get("tilesPerRow").asInt();
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(get("/api/preview/0").body()));
        assertThat(small.getWidth()).isEqualTo(ptpr * 8);
        assertThat(small.getHeight()).isEqualTo((60 + ptpr - 1) / ptpr * 8);
        int pRed = small.getRGB(40 % ptpr * 8 + 4, 40 / ptpr * 8 + 4), pBlue = small.getRGB(4, 4);
        assertThat((pRed >> 16) & 0xFF).isGreaterThan(pRed & 0xFF);
        assertThat(pBlue & 0xFF).isGreaterThan((pBlue >> 16) & 0xFF);
        assertThat(get("/api/preview/1").status()).isEqualTo(400);
        assertThat(Http.send(server.port(), "GET", "/api/preview/0", host(), null, null).status()).isEqualTo(401);
    }

    @Test
    void neighboursShareTheImagesColour() throws Exception {
        JsonNode nn = json(get("/api/neighbours/45?k=10"));
        assertThat(nn.get("rows").size()).isEqualTo(10);
        for (JsonNode r : nn.get("rows")) assertThat(run.label(r.asInt())).isEqualTo(run.label(45));
        double prev = 2;
        for (JsonNode c : nn.get("cosines")) {
            assertThat(c.asDouble()).isLessThanOrEqualTo(prev);
            prev = c.asDouble();
        }
        assertThat(get("/api/neighbours/45?k=0").status()).isEqualTo(400);
    }

    @Test
    void searchRanksByTheNamedClassAndExplainsMisses() throws Exception {
        JsonNode s = json(get("/api/search?word=Reds&top=5"));
        assertThat(s.get("top").get(0).asInt()).isEqualTo(ExploreFixture.PLANTED);
        assertThat(s.get("matched").toString()).isEqualTo("[\"red\"]");
        for (JsonNode r : s.get("top")) {
            int row = r.asInt();
            assertThat(row == ExploreFixture.PLANTED || run.label(row) == 2).isTrue();
        }
        Http.Response miss = get("/api/search?word=" + URLEncoder.encode("rad", StandardCharsets.UTF_8));
        assertThat(miss.status()).isEqualTo(400);
        assertThat(miss.text()).contains("did you mean red");
    }

    @Test
    void localisationWaitsForTheSpatialModel() throws Exception {
        assertThat(get("/api/localise/0?word=red").status()).isEqualTo(501);
    }

    @Test
    void labelsAreJournalledExportedAndUndone() throws Exception {
        JsonNode c = json(post("/api/labels", "{\"label\":\"odd one\",\"rows\":[23,24]}"));
        assertThat(c.get("counts").get("odd one").asInt()).isEqualTo(2);
        json(post("/api/labels", "{\"label\":\"bright\",\"rows\":[24]}"));
        JsonNode state = json(get("/api/labels"));
        assertThat(state.get("names").toString()).isEqualTo("[\"bright\",\"odd one\"]");
        assertThat(state.get("codes").get(23).asInt()).isEqualTo(1);
        assertThat(state.get("codes").get(24).asInt()).isEqualTo(0);
        assertThat(state.get("codes").get(0).asInt()).isEqualTo(-1);
        List<String> csv = Files.readAllLines(run.dir().resolve("labels.csv"));
        assertThat(csv).contains("path,label", "green/003.png,odd one", "green/004.png,bright");
        json(post("/api/labels/undo", "{}"));
        assertThat(Files.readAllLines(run.dir().resolve("labels.csv"))).contains("green/004.png,odd one");
        // The CSV feeds back to every command as --labels on the same folder.
        ImageSet relabelled = DataSpecs.open(run.manifest().data().spec(), run.dir().resolve("labels.csv"));
        assertThat(relabelled.size()).isGreaterThanOrEqualTo(2);
        assertThat(relabelled.classes()).contains("odd one");
        json(post("/api/labels", "{\"label\":\"\",\"rows\":[23,24]}"));
        for (String bad : List.of("../x", "a,b", "quote\\\"", "new\\nline", " lead", "x".repeat(65))) {
            Http.Response r = post("/api/labels", "{\"label\":\"" + bad + "\",\"rows\":[1]}");
            assertThat(r.status()).as(bad).isEqualTo(400);
        }
        assertThat(post("/api/labels", "{\"label\":\"ok\",\"rows\":[600]}").status()).isEqualTo(400);
        assertThat(post("/api/labels", "not json").status()).isEqualTo(400);
    }

    @Test
    void selectionsExportAsPathsOrAFolder() throws Exception {
        JsonNode p = json(post("/api/export", "{\"name\":\"picked\",\"format\":\"paths\",\"rows\":[0,41]}"));
        assertThat(Files.readAllLines(run.dir().resolve("exports/picked.txt"))).containsExactly("blue/000.png", "red/001.png");
        assertThat(p.get("paths").size()).isEqualTo(2);
        JsonNode f = json(post("/api/export", "{\"name\":\"copied\",\"format\":\"folder\",\"rows\":[0,41]}"));
        Path folder = Path.of(f.get("folder").asText());
        assertThat(folder).isEqualTo(run.dir().resolve("exports/copied"));
        try (var files = Files.list(folder)) {
            assertThat(files.map(x -> x.getFileName().toString()).sorted().toList()).containsExactly("blue_000.png.png", "red_001.png.png");
        }
        assertThat(post("/api/export", "{\"name\":\"copied\",\"format\":\"folder\",\"rows\":[0]}").status()).isEqualTo(400);
        for (String bad : List.of("../up", "/abs", "a/b", "..", ".hidden")) {
            assertThat(post("/api/export", "{\"name\":\"" + bad + "\",\"format\":\"paths\",\"rows\":[0]}").status()).as(bad).isEqualTo(400);
        }
    }

    // ---- safety ----

    @Test
    void everyRequestNeedsTheToken() throws Exception {
        for (String p : List.of("/", "/api/run", "/api/image/0", "/static/app.js", "/vendor/d3.min.js", "/nothing")) {
            assertThat(Http.send(server.port(), "GET", p, host(), null, null).status()).as(p).isEqualTo(401);
            assertThat(Http.send(server.port(), "GET", p + "?token=wrong", host(), null, null).status()).as(p).isEqualTo(403);
        }
        String cookie = "Cookie: imvec_token_" + server.port() + "=" + token + "\r\n";
        assertThat(Http.send(server.port(), "GET", "/api/run", host(), cookie, null).status()).isEqualTo(200);
        // A write with the cookie alone (what a cross-site form would send) is refused.
        assertThat(Http.send(server.port(), "POST", "/api/labels", host(), cookie, "{\"label\":\"x\",\"rows\":[0]}").status()).isEqualTo(401);
        assertThat(Http.send(server.port(), "POST", "/api/labels", host(), "X-Imvec-Token: nope\r\n", "{\"label\":\"x\",\"rows\":[0]}").status()).isEqualTo(403);
    }

    @Test
    void aForeignHostHeaderIsRefused() throws Exception {
        for (String h : List.of("evil.example:" + server.port(), "127.0.0.1.evil.example:" + server.port(), "127.0.0.1:1", "127.0.0.1")) {
            assertThat(Http.send(server.port(), "GET", "/api/run?token=" + token, h, null, null).status()).as(h).isEqualTo(403);
        }
        assertThat(Http.send(server.port(), "GET", "/api/run?token=" + token, "localhost:" + server.port(), null, null).status()).isEqualTo(200);
    }

    @Test
    void noRequestReadsAFileOutsideTheDataSet() throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        BufferedImage outside = new BufferedImage(7, 7, BufferedImage.TYPE_INT_RGB);
        Path outsidePng = dir.resolve("outside.png");
        ImageIO.write(outside, "png", outsidePng.toFile());
        // A symlink planted in the data set after the run: no row names it, so nothing serves it.
        Files.createSymbolicLink(dir.resolve("images/blue/zzz-link.png"), outsidePng);
        Files.createSymbolicLink(dir.resolve("images/blue/zzz-secret.png"), secret);
        List<String> attacks = List.of(
                "/api/image/../../secret.txt", "/api/image/..%2f..%2fsecret.txt", "/api/image/%2e%2e%2f%2e%2e%2fsecret.txt",
                "/api/image/%2e%2e/%2e%2e/secret.txt", "/api/image/" + secret.toAbsolutePath(), "/api/image/" + URLEncoder.encode(secret.toString(), StandardCharsets.UTF_8),
                "/static/..%2f..%2f..%2fsecret.txt", "/static/%2e%2e%2fmanifest.json", "/static/../manifest.json",
                "/vendor/..%2f..%2fpom.xml", "/api/atlas/..%2fpage-0.png", "/api/atlas/%2e%2e%2f..%2fmanifest.json",
                "/static/index.html", "/static/app.js%00.png", "/api/image/blue%2fzzz-secret.png", "/api/image/-1", "/api/image/1e3",
                "/../../../../" + secret.toAbsolutePath(), "/%2e%2e/%2e%2e" + secret.toAbsolutePath());
        for (String a : attacks) {
            Http.Response r = Http.send(server.port(), "GET", a + (a.contains("?") ? "&" : "?") + "token=" + token, host(), null, null);
            assertThat(r.status()).as(a).isNotEqualTo(200);
            assertThat(r.text()).as(a).doesNotContain("TOP-SECRET");
        }
        for (int row = 0; row < run.n(); row++) {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(get("/api/image/" + row).body()));
            assertThat(img.getWidth()).as("row " + row).isNotEqualTo(7);
        }
    }
}
