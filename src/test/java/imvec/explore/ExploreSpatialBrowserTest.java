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
}
