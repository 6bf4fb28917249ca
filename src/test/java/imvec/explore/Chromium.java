package imvec.explore;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

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
}
