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

import java.awt.geom.Path2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The page in headless Chromium against the fixture run: drawing, hover, search, lasso labelling. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExploreBrowserTest {
    @TempDir
    static Path dir;
    static ExploreRun run;
    static ExploreServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void open() throws Exception {
        Chromium.assumePresent();
        Path r = ExploreFixture.build(dir);
        run = ExploreRun.open(r, null);
        server = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).start();
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

    @Test
    @Order(1)
    void drawsEveryImage() {
        assertThat(((Number) js("return window.imvecState.n")).intValue()).isEqualTo(run.n());
        assertThat(((Number) js("return window.imvecState.drawn")).intValue()).isEqualTo(run.n());
        assertThat(js("return window.imvecState.layout")).isEqualTo("pca2");
        // The canvas really holds drawn pixels: not all one colour.
        Number distinct = (Number) js("""
                const c = document.getElementById('map'); const g = c.getContext('webgl2');
                const px = new Uint8Array(c.width * c.height * 4);
                g.readPixels(0, 0, c.width, c.height, g.RGBA, g.UNSIGNED_BYTE, px);
                const s = new Set(); for (let i = 0; i < px.length; i += 4 * 97) s.add(px[i] << 16 | px[i + 1] << 8 | px[i + 2]);
                return s.size;""");
        assertThat(distinct.intValue()).isGreaterThan(5);
        // The preview atlas painted first; the full thumbnails follow.
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> Boolean.TRUE.equals(js("return window.imvecState.fullAtlas")));
        assertThat(((Map<?, ?>) js("return window.imvecState.marks")).get("fullAtlas")).isNotNull();
    }

    @Test
    @Order(2)
    void hoverShowsTheImageUnderThePointer() {
        Map<?, ?> screen = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) screen.get("x"), ys = (List<?>) screen.get("y");
        // The row farthest from every other on screen, so the pointer can only mean that one.
        int best = -1;
        double bestGap = -1;
        for (int i = 0; i < xs.size(); i++) {
            double gap = Double.MAX_VALUE;
            for (int j = 0; j < xs.size(); j++) {
                if (i != j) gap = Math.min(gap, Math.hypot(num(xs, i) - num(xs, j), num(ys, i) - num(ys, j)));
            }
            if (gap > bestGap) {
                bestGap = gap;
                best = i;
            }
        }
        moveTo(num(xs, best), num(ys, best));
        int row = best;
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> Boolean.TRUE.equals(js(
                "const t = document.getElementById('tip'); const i = t.querySelector('img');"
                        + "return !t.hidden && i && i.complete && i.naturalWidth > 0 && t.querySelector('.id').textContent.length > 0")));
        assertThat(((Number) js("return window.imvecState.hovered")).intValue()).isEqualTo(row);
        assertThat((String) js("return document.querySelector('#tip .id').textContent")).contains(run.id(row));
        assertThat((String) js("return document.querySelector('#tip img').src")).contains("/api/image/" + row + "?");
        // The image shown is that row's image: the fixture's widths are 24 + (index in class) % 5.
        int width = ((Number) js("return document.querySelector('#tip img').naturalWidth")).intValue();
        int inClass = Integer.parseInt(run.id(row).replaceAll(".*/(\\d+)\\.png", "$1"));
        assertThat(width).isEqualTo(24 + inClass % 5);
    }

    @Test
    @Order(3)
    void aWordSearchRanksThePlantedImageFirst() {
        WebElement box = driver.findElement(By.id("search"));
        box.clear();
        box.sendKeys("red", Keys.ENTER);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> js("return window.imvecState.search") != null);
        List<?> top = (List<?>) js("return window.imvecState.search.top");
        assertThat(((Number) top.get(0)).intValue()).isEqualTo(ExploreFixture.PLANTED);
        assertThat(driver.findElements(By.cssSelector("#results figure"))).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    @Order(4)
    void aLassoSelectionLabelledInThePageLandsInTheLabelsFile() throws Exception {
        js("document.getElementById('colour').value = 'label'; document.getElementById('colour').dispatchEvent(new Event('change'))");
        Map<?, ?> screen = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) screen.get("x"), ys = (List<?>) screen.get("y");
        // A lasso around the blue images: a polygon wider than their bounding box.
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int i = 0; i < xs.size(); i++) {
            if (run.label(i) != 0) continue;
            x0 = Math.min(x0, num(xs, i));
            x1 = Math.max(x1, num(xs, i));
            y0 = Math.min(y0, num(ys, i));
            y1 = Math.max(y1, num(ys, i));
        }
        double m = 12;
        double[][] poly = {{x0 - m, y0 - m}, {(x0 + x1) / 2, y0 - 2 * m}, {x1 + m, y0 - m}, {x1 + m, y1 + m}, {x0 - m, y1 + m}};
        Path2D shape = new Path2D.Double();
        shape.moveTo(poly[0][0], poly[0][1]);
        for (double[] p : poly) shape.lineTo(p[0], p[1]);
        shape.closePath();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < xs.size(); i++) if (shape.contains(num(xs, i), num(ys, i))) expected.add(run.id(i));
        assertThat(expected).hasSizeGreaterThanOrEqualTo(ExploreFixture.PER_CLASS);

        driver.findElement(By.id("tool-lasso")).click();
        WebElement canvas = driver.findElement(By.id("map"));
        Actions a = new Actions(driver).moveToElement(canvas, offX(canvas, poly[0][0]), offY(canvas, poly[0][1])).clickAndHold();
        for (int k = 1; k <= poly.length; k++) {
            double[] p = poly[k % poly.length];
            a = a.moveToElement(canvas, offX(canvas, p[0]), offY(canvas, p[1]));
        }
        a.release().perform();
        assertThat(((Number) js("return window.imvecState.selection")).intValue()).isEqualTo(expected.size());

        WebElement name = driver.findElement(By.id("labelname"));
        name.sendKeys("sky blue", Keys.ENTER);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> js("return window.imvecState.labelCounts['sky blue']") != null);
        Set<String> onDisk = new HashSet<>();
        for (String line : Files.readAllLines(run.dir().resolve(LabelJournal.CSV)).subList(1, expected.size() + 1)) {
            String[] f = line.split(",");
            assertThat(f[1]).isEqualTo("sky blue");
            onDisk.add(f[0]);
        }
        assertThat(onDisk).isEqualTo(expected);
        Path shot = Path.of("target", "explore-screenshot.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    @Test
    @Order(5)
    void theThreeDimensionalTsneMapLoadsAndRotates() {
        js("const s = document.getElementById('layout'); s.value = 'tsne3'; s.dispatchEvent(new Event('change'))");
        new WebDriverWait(driver, Duration.ofSeconds(120)).until(d -> "tsne3".equals(js("return window.imvecState.layout")));
        driver.findElement(By.id("tool-pan")).click();
        Map<?, ?> before = (Map<?, ?>) js("return window.imvecApi.screen()");
        WebElement canvas = driver.findElement(By.id("map"));
        new Actions(driver).moveToElement(canvas, 10, 10).clickAndHold().moveByOffset(120, 40).release().perform();
        Map<?, ?> after = (Map<?, ?>) js("return window.imvecApi.screen()");
        // Dragging in 3-D rotates the view: the points move on screen.
        assertThat(after.get("x")).isNotEqualTo(before.get("x"));
        assertThat(((Number) js("return window.imvecState.drawn")).intValue()).isEqualTo(run.n());
    }

    @Test
    @Order(6)
    void theWheelZoomsTheTwoDimensionalMap() {
        js("const s = document.getElementById('layout'); s.value = 'pca2'; s.dispatchEvent(new Event('change'))");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "pca2".equals(js("return window.imvecState.layout")));
        double before = spread();
        js("""
                const c = document.getElementById('map'); const r = c.getBoundingClientRect();
                for (let i = 0; i < 5; i++) c.dispatchEvent(new WheelEvent('wheel', {deltaY: -200, deltaMode: 0,
                  clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, bubbles: true, cancelable: true}));""");
        assertThat(spread()).isGreaterThan(before * 1.5);
        // Zoomed in, a frame draws only the points on screen, and every one of them.
        js("const c = document.getElementById('map'); for (let i = 0; i < 12; i++) c.dispatchEvent(new WheelEvent('wheel', {deltaY: -200,"
                + " deltaMode: 0, clientX: 20, clientY: 20, bubbles: true, cancelable: true}))");
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> Boolean.TRUE.equals(js("return window.imvecApi.drawnNow() < window.imvecState.n")));
        Map<?, ?> s = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) s.get("x"), ys = (List<?>) s.get("y");
        long onScreen = 0;
        for (int i = 0; i < xs.size(); i++) if (num(xs, i) >= 0 && num(xs, i) <= canvasWidth() && num(ys, i) >= 0 && num(ys, i) <= canvasHeight()) onScreen++;
        assertThat(((Number) js("return window.imvecApi.onScreenNow()")).longValue()).isGreaterThanOrEqualTo(onScreen).isLessThan(run.n());
        assertThat(((Number) js("return window.imvecApi.drawnNow()")).longValue()).isLessThan(run.n());
    }

    @Test
    @Order(7)
    void whereImagesOverlapTheLevelOfDetailDrawsOneOfThemYetHoverAndBoxSelectionSeeThemAll() throws Exception {
        js("document.getElementById('colour').value = 'label'; document.getElementById('colour').dispatchEvent(new Event('change'));"
                + "const s = document.getElementById('layout'); s.value = 'pca2'; s.dispatchEvent(new Event('change'))");
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "pca2".equals(js("return window.imvecState.layout")));
        // Zoomed all the way out the fixture's clusters pile up in a pixel or two; zooming in step by step, they spread
        // until a row left out stands far enough from the others to point at.
        js("window.imvecApi.zoomBy(0.001)");
        int hiddenRow = -1;
        double hiddenGap = 0;
        List<?> xs = null, ys = null;
        for (int step = 0; step < 60 && hiddenGap <= 1; step++) {
            js("window.imvecApi.zoomBy(1.15)");
            List<Integer> drawn = ints((List<?>) js("return window.imvecApi.drawnRows()"));
            assertThat(drawn).hasSize(((Number) js("return window.imvecApi.drawnNow()")).intValue());
            Map<?, ?> s = (Map<?, ?>) js("return window.imvecApi.screen()");
            xs = (List<?>) s.get("x");
            ys = (List<?>) s.get("y");
            double point = ((Number) js("return window.imvecApi.pointPixels()")).doubleValue();
            double cell = ((Number) js("return window.imvecApi.lodCell()")).doubleValue() * point;
            Set<Integer> shown = new HashSet<>(drawn);
            double w = canvasWidth(), h = canvasHeight();
            for (int i = 0; i < run.n(); i++) {
                if (num(xs, i) < 0 || num(xs, i) > w || num(ys, i) < 0 || num(ys, i) > h) continue;
                double nearestDrawn = Double.MAX_VALUE, nearest = Double.MAX_VALUE;
                for (int j = 0; j < run.n(); j++) {
                    if (i == j) continue;
                    double d = Math.hypot(num(xs, i) - num(xs, j), num(ys, i) - num(ys, j));
                    nearest = Math.min(nearest, d);
                    if (shown.contains(j)) nearestDrawn = Math.min(nearestDrawn, d);
                }
                // A row alone within a point's width is always drawn; a row left out shares its cell with a drawn row.
                if (nearest > point) assertThat(shown).as("row %d is alone", i).contains(i);
                if (!shown.contains(i)) {
                    assertThat(nearestDrawn).as("row %d left out", i).isLessThanOrEqualTo(cell * Math.sqrt(2) + 1e-3);
                    if (nearest > hiddenGap) {
                        hiddenGap = nearest;
                        hiddenRow = i;
                    }
                }
            }
        }
        assertThat(hiddenGap).as("a left-out row apart from the others").isGreaterThan(1);
        Path shot = Path.of("target", "explore-level-of-detail.png");
        Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
        // Picking (hover, click) finds a row that this frame did not draw.
        assertThat(((Number) js("return window.imvecApi.pick(arguments[0], arguments[1])", num(xs, hiddenRow), num(ys, hiddenRow))).intValue())
                .isEqualTo(hiddenRow);
        // A box around the whole map selects every row, drawn or not.
        double x0 = Double.MAX_VALUE, x1 = -Double.MAX_VALUE, y0 = Double.MAX_VALUE, y1 = -Double.MAX_VALUE;
        for (int i = 0; i < run.n(); i++) {
            x0 = Math.min(x0, num(xs, i));
            x1 = Math.max(x1, num(xs, i));
            y0 = Math.min(y0, num(ys, i));
            y1 = Math.max(y1, num(ys, i));
        }
        driver.findElement(By.id("tool-box")).click();
        WebElement canvas = driver.findElement(By.id("map"));
        new Actions(driver).moveToElement(canvas, offX(canvas, x0 - 5), offY(canvas, y0 - 5)).clickAndHold()
                .moveToElement(canvas, offX(canvas, x1 + 5), offY(canvas, y1 + 5)).release().perform();
        assertThat(((Number) js("return window.imvecState.selection")).intValue()).isEqualTo(run.n());
        js("document.getElementById('clearsel').click(); document.getElementById('tool-pan').click()");
        // Zoomed far in the rows stand apart: every one on screen is drawn.
        js("window.imvecApi.zoomBy(1e6)");
        assertThat(((Number) js("return window.imvecApi.drawnNow()")).intValue())
                .isEqualTo(((Number) js("return window.imvecApi.onScreenNow()")).intValue());
    }

    private static double canvasWidth() {
        return ((Number) js("return document.getElementById('map').clientWidth")).doubleValue();
    }

    private static double canvasHeight() {
        return ((Number) js("return document.getElementById('map').clientHeight")).doubleValue();
    }

    /** The spread of the rows on screen: grows when the map zooms in. */
    private static double spread() {
        Map<?, ?> s = (Map<?, ?>) js("return window.imvecApi.screen()");
        List<?> xs = (List<?>) s.get("x");
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (int i = 0; i < xs.size(); i++) {
            lo = Math.min(lo, num(xs, i));
            hi = Math.max(hi, num(xs, i));
        }
        return hi - lo;
    }

    private static double num(List<?> l, int i) {
        return ((Number) l.get(i)).doubleValue();
    }

    private static int offX(WebElement canvas, double x) {
        return (int) Math.round(x - canvas.getRect().getWidth() / 2.0);
    }

    private static int offY(WebElement canvas, double y) {
        return (int) Math.round(y - canvas.getRect().getHeight() / 2.0);
    }

    private static void moveTo(double x, double y) {
        WebElement canvas = driver.findElement(By.id("map"));
        new Actions(driver).moveToElement(canvas, offX(canvas, x), offY(canvas, y)).perform();
    }

    static List<Integer> ints(List<?> l) {
        List<Integer> out = new ArrayList<>();
        for (Object o : l) out.add(((Number) o).intValue());
        return out;
    }
}
