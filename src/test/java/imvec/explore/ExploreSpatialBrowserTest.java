package imvec.explore;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The page with a spatial model in headless Chromium: word search, localisation overlay, word layouts, map search, layers. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExploreSpatialBrowserTest {
    @TempDir
    static Path dir;
    static SpatialFixture.Built built;
    static ExploreRun run;
    static ExploreServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void open() throws Exception {
        Chromium.assumePresent();
        built = SpatialFixture.build(dir);
        run = ExploreRun.open(built.run(), null);
        SpatialExplorer spatial = SpatialExplorer.open(run, built.model(), null, null, d -> { });
        server = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).optSpatial(spatial).start();
        driver = Chromium.open(server);
        assertThat(js("return window.imvecState.error")).isNull();
    }

    @AfterAll
    static void close() {
        if (driver != null) driver.quit();
        if (server != null) server.close();
    }

    static Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    static void waitFor(int seconds, String condition) {
        new WebDriverWait(driver, Duration.ofSeconds(seconds)).until(d -> Boolean.TRUE.equals(js("return " + condition)));
    }

    static int integer(String expression) {
        return ((Number) js("return " + expression)).intValue();
    }

    @Test
    @Order(1)
    void theWordToolsAppearWithTheModel() {
        assertThat(driver.findElement(By.id("spatial-sec")).isDisplayed()).isTrue();
        assertThat(js("return [...document.querySelectorAll('#layer option')].map(o => o.value)")).isEqualTo(List.of("mean", "colour"));
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());
    }

    @Test
    @Order(2)
    void aWordSearchWithTheSpatialModelRanksThePlantedImageFirst() {
        WebElement box = driver.findElement(By.id("search"));
        box.clear();
        box.sendKeys("blood", Keys.ENTER);
        waitFor(60, "window.imvecState.search !== null");
        assertThat(integer("window.imvecState.search.top[0]")).isEqualTo(built.planted());
        assertThat((String) js("return document.getElementById('results-what').textContent")).contains("spatial model");
    }

    @Test
    @Order(3)
    void clickingAnImageDrawsTheWordsMapOverIt() throws Exception {
        List<?> at = (List<?>) js("return window.imvecApi.screenOf(arguments[0])", built.planted());
        WebElement canvas = driver.findElement(By.id("map"));
        int x = (int) Math.round(((Number) at.get(0)).doubleValue() - canvas.getRect().getWidth() / 2.0);
        int y = (int) Math.round(((Number) at.get(1)).doubleValue() - canvas.getRect().getHeight() / 2.0);
        new Actions(driver).moveToElement(canvas, x, y).click().perform();
        waitFor(60, "window.imvecState.localised !== null");
        assertThat(integer("window.imvecState.localised.row")).isEqualTo(built.planted());
        assertThat(js("return window.imvecState.localised.word")).isEqualTo("blood");
        // The overlay is shown over the large image, exactly covering it, with the map's 4×4 cells painted.
        assertThat(js("const c = document.querySelector('#detail canvas'); return !c.hidden && c.width === 4 && c.height === 4")).isEqualTo(true);
        assertThat(js("const c = document.querySelector('#detail canvas').getBoundingClientRect(), i = document.querySelector('#detail img').getBoundingClientRect();"
                + "return Math.abs(c.width - i.width) < 1 && Math.abs(c.height - i.height) < 1 && c.width > 100")).isEqualTo(true);
        int painted = integer("(() => { const c = document.querySelector('#detail canvas'); const d = c.getContext('2d').getImageData(0, 0, 4, 4).data;"
                + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()");
        assertThat(painted).isEqualTo(16);
        // The word sits in the red cells, on the right: the brightest location is in the right half.
        assertThat(integer("window.imvecState.localised.max") % 4).isGreaterThanOrEqualTo(2);
        js("document.getElementById('detail-sec').scrollIntoView()");
        Path shot = Path.of("target", "explore-spatial-localise.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    @Test
    @Order(4)
    void aOneWordLayoutDrawsEveryImageAlongTheWord() {
        driver.findElement(By.id("axis-x")).sendKeys("blood", Keys.ENTER);
        waitFor(60, "window.imvecState.layout === 'words'");
        assertThat(integer("window.imvecState.layoutPoints")).isEqualTo(run.n());
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());
        Map<?, ?> screen = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) screen.get("x");
        int right = 0;
        for (int i = 1; i < xs.size(); i++) if (((Number) xs.get(i)).doubleValue() > ((Number) xs.get(right)).doubleValue()) right = i;
        assertThat(right).isEqualTo(built.planted());
    }

    @Test
    @Order(5)
    void theGridEditorSearchesByWhereAWordIs() throws Exception {
        driver.findElement(By.cssSelector("#grids .qgrid input")).sendKeys("blood");
        List<WebElement> cells = driver.findElements(By.cssSelector("#grids .qgrid .cells button"));
        assertThat(cells).hasSize(4);
        cells.get(1).click(); // right column: +
        cells.get(3).click();
        cells.get(0).click(); // top left: + then −
        cells.get(0).click();
        assertThat(cells.get(1).getText()).isEqualTo("+");
        assertThat(cells.get(0).getText()).isEqualTo("−");
        driver.findElement(By.id("grid-search")).click();
        waitFor(60, "window.imvecState.mapSearch !== null");
        assertThat(js("return JSON.stringify(window.imvecState.mapSearch.query)")).isEqualTo("{\"blood\":[[-1,1],[0,1]]}");
        assertThat(integer("window.imvecState.mapSearch.rows[0]")).isEqualTo(built.planted());
        Path shot = Path.of("target", "explore-spatial-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    @Test
    @Order(6)
    void switchingTheLayerReloadsItsLayoutAndNeighbours() {
        js("const s = document.getElementById('layout'); s.value = 'pca2'; s.dispatchEvent(new Event('change'))");
        waitFor(30, "window.imvecState.layout === 'pca2'");
        Object before = js("return window.imvecApi.screen().x");
        js("const s = document.getElementById('layer'); s.value = 'mean'; s.dispatchEvent(new Event('change'))");
        waitFor(30, "window.imvecState.layer === 'mean' && document.getElementById('nn-layer').textContent === 'in mean'");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> !js("return window.imvecApi.screen().x").equals(before));
        assertThat(run.dir().resolve("explore/mean/pca2.npy")).isRegularFile();
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());
    }

    @Test
    @Order(7)
    void theDiversityLayoutDrawsEveryImageByItsDiversityAgainstAWord() throws Exception {
        driver.findElement(By.id("div-y")).sendKeys("blood", Keys.ENTER);
        waitFor(120, "window.imvecState.layout === 'diversity'");
        assertThat(integer("window.imvecState.layoutPoints")).isEqualTo(run.n());
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());
        assertThat(js("return window.imvecState.diversity.y")).isEqualTo("blood");
        assertThat((String) js("return document.getElementById('status').textContent")).contains("diversity").contains("blood");
        com.fasterxml.jackson.databind.JsonNode d = ExploreSpatialServerTest.JSON.readTree(ExploreSpatialServerTest.get(server, "/api/diversity").body())
                .get("diversity");
        Map<?, ?> screen = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) screen.get("x"), ys = (List<?>) screen.get("y");
        int top = 0;
        for (int i = 0; i < run.n(); i++) {
            for (int j = 0; j < run.n(); j++) {
                if (d.get(i).asDouble() > d.get(j).asDouble()) assertThat(num(xs, i)).as("x of %d against %d", i, j).isGreaterThanOrEqualTo(num(xs, j));
            }
            if (num(ys, i) < num(ys, top)) top = i;
        }
        assertThat(top).as("the image highest on the screen scores highest on blood").isEqualTo(built.planted());
        // The diversity is a colour mode too: a ramp from the lowest to the highest value.
        js("const s = document.getElementById('colour'); s.value = 'diversity'; s.dispatchEvent(new Event('change'))");
        assertThat((String) js("return document.getElementById('legend').textContent")).contains("diversity of the region embeddings");
        js("document.getElementById('side').scrollTop = 0");
        Path shot = Path.of("target", "explore-spatial-diversity.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    static double num(List<?> values, int i) {
        return ((Number) values.get(i)).doubleValue();
    }

    @Test
    @Order(8)
    void clustersAroundTypedWordsAreDrawnInTheirColoursAndTheLegendFiltersThem() throws Exception {
        driver.findElement(By.id("cluster-words")).sendKeys("sea, leaf, blood", Keys.ENTER);
        waitFor(120, "window.imvecState.layout === 'clusters'");
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());
        assertThat(js("return document.getElementById('colour').value")).isEqualTo("cluster");
        com.fasterxml.jackson.databind.JsonNode c = ExploreSpatialServerTest.JSON.readTree(
                ExploreSpatialServerTest.get(server, "/api/clusters?words=sea,leaf,blood").body());
        Map<?, ?> counts = (Map<?, ?>) js("return window.imvecState.clusters.counts");
        List<String> words = List.of("sea", "leaf", "blood");
        for (String w : words) assertThat(((Number) counts.get(w)).intValue()).isEqualTo(c.get("counts").get(w).asInt());
        // The legend lists the non-empty clusters with their counts, in the order of the words.
        List<?> legend = (List<?>) js("return [...document.querySelectorAll('#legend .item')].map(e => e.children[1].textContent + '=' + e.children[2].textContent)");
        List<String> expected = words.stream().filter(w -> c.get("counts").get(w).asInt() > 0).map(w -> w + "=" + c.get("counts").get(w).asInt()).toList();
        assertThat(legend).isEqualTo(expected);

        // As points, each cluster's best image is drawn in its legend colour (nothing focused, hovered or selected).
        new Actions(driver).moveToElement(driver.findElement(By.id("legend"))).perform();
        js("document.getElementById('detail-close').click(); window.dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape'}));"
                + "const v = document.getElementById('view'); v.value = 'points'; v.dispatchEvent(new Event('change'))");
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> integer("window.imvecState.hovered") < 0);
        List<?> swatches = (List<?>) js("return [...document.querySelectorAll('#legend .item .sw')].map(e => getComputedStyle(e).backgroundColor)");
        int item = 0;
        for (int k = 0; k < words.size(); k++) {
            if (c.get("counts").get(words.get(k)).asInt() == 0) continue;
            int best = -1;
            for (int i = 0; i < run.n(); i++) {
                if (c.get("cluster").get(i).asInt() == k && (best < 0 || c.get("score").get(i).asDouble() > c.get("score").get(best).asDouble())) best = i;
            }
            List<?> rgb = (List<?>) js("""
                    const [x, y] = window.imvecApi.screenOf(arguments[0]), map = document.getElementById('map');
                    const c = document.createElement('canvas'); c.width = map.width; c.height = map.height;
                    const g = c.getContext('2d'); g.drawImage(map, 0, 0);
                    return [...g.getImageData(Math.round(x), Math.round(y), 1, 1).data].slice(0, 3);""", best);
            String want = (String) swatches.get(item++);
            assertThat("rgb(" + rgb.get(0) + ", " + rgb.get(1) + ", " + rgb.get(2) + ")").as("cluster %s, image %d", words.get(k), best).isEqualTo(want);
        }
        js("document.getElementById('side').scrollTop = 0");
        Path shot = Path.of("target", "explore-spatial-clusters.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);

        // Clicking a cluster in the legend hides its images.
        driver.findElements(By.cssSelector("#legend .item")).get(0).click();
        String first = expected.get(0).substring(0, expected.get(0).indexOf('='));
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n() - c.get("counts").get(first).asInt());
        driver.findElements(By.cssSelector("#legend .item")).get(0).click();
        assertThat(integer("window.imvecState.drawn")).isEqualTo(run.n());

        // A word without a vector: one sentence on the page, and the clusters stay as they were.
        WebElement box = driver.findElement(By.id("cluster-words"));
        box.clear();
        box.sendKeys("sea, rde", Keys.ENTER);
        waitFor(60, "window.imvecState.error !== null && window.imvecState.error.includes('no word vector')");
        assertThat(js("return window.imvecState.layout")).isEqualTo("clusters");
        assertThat(js("return window.imvecState.clusters.words")).isEqualTo(words);
        js("const v = document.getElementById('view'); v.value = 'thumbs'; v.dispatchEvent(new Event('change'))");
    }

    @Test
    @Order(9)
    void whileTheRegionCacheIsBuiltThePageShowsItsProgressUpTo100Percent() throws Exception {
        // Float32 features are a cache of their own: this explorer builds it now, in the background.
        SpatialExplorer fresh = SpatialExplorer.open(run, built.model(), null, null, imvec.spatial.RegionCache.Storage.FLOAT32);
        try (ExploreServer s = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).optSpatial(fresh).start()) {
            driver.get(s.url().toString());
            waitFor(60, "window.imvecState.ready === true");
            waitFor(120, "window.imvecState.spatialProgress !== null && window.imvecState.spatialProgress.status === 'ready'");
            assertThat(integer("window.imvecState.spatialProgress.done")).isEqualTo(run.n());
            assertThat(integer("window.imvecState.spatialProgress.total")).isEqualTo(run.n());
            List<?> seen = (List<?>) js("return window.imvecState.progressSeen");
            assertThat(((Number) seen.get(seen.size() - 1)).doubleValue()).isEqualTo(1.0);
            for (int i = 1; i < seen.size(); i++) assertThat(((Number) seen.get(i)).doubleValue()).isGreaterThanOrEqualTo(((Number) seen.get(i - 1)).doubleValue());
            assertThat(driver.findElement(By.id("sp-progress")).isDisplayed()).isFalse();
            // Once ready, a word search works on the fresh cache.
            WebElement box = driver.findElement(By.id("search"));
            box.clear();
            box.sendKeys("blood", Keys.ENTER);
            waitFor(60, "window.imvecState.search !== null");
            assertThat(integer("window.imvecState.search.top[0]")).isEqualTo(built.planted());
            Files.createDirectories(Path.of("target"));
            Files.write(Path.of("target/explore-spatial-progress.png"), driver.getScreenshotAs(OutputType.BYTES));
        }
    }
}
