package imvec.explore;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.time.Duration;

/** Debian's headless Chromium through its chromedriver; Selenium is given both paths, so it downloads nothing. */
final class Chromium {
    static final File BINARY = new File("/usr/bin/chromium");
    static final File DRIVER = new File("/usr/bin/chromedriver");

    private Chromium() {
    }

    static void assumePresent() {
        Assumptions.assumeTrue(BINARY.canExecute() && DRIVER.canExecute(),
                "skipped: needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }

    static ChromeDriver start(int width, int height) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(BINARY);
        o.addArguments("--headless=new", "--no-sandbox", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height, "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER).usingAnyFreePort().build();
        ChromeDriver d = new ChromeDriver(service, o);
        d.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        return d;
    }

    /**
     * A 1280×800 page on {@code server}'s URL, once the page says it is ready (or failed); the
     * caller asserts which, and quits the driver.
     */
    static ChromeDriver open(ExploreServer server) {
        ChromeDriver d = start(1280, 800);
        d.get(server.url().toString());
        new WebDriverWait(d, Duration.ofSeconds(90)).until(x -> Boolean.TRUE.equals(
                d.executeScript("return !!(window.imvecState && (window.imvecState.ready || window.imvecState.error))")));
        return d;
    }
}
