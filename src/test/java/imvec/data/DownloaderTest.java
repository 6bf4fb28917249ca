package imvec.data;

import imvec.util.UserError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloaderTest {
    @TempDir
    Path dir;

    private final byte[] content = randomBytes(200_000);
    private final Downloader downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10));

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(3).nextBytes(b);
        return b;
    }

    static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private Path target() {
        return dir.resolve("cache").resolve("blob.bin");
    }

    @Test
    void fetchesAFileWithTheRightChecksumAndReportsProgress() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer().serve("/blob.bin", content)) {
            List<long[]> updates = new ArrayList<>();
            Path got = downloader.fetch(new Downloader.Item(server.uri("/blob.bin"), target(), sha256(content), "retry"),
                    (received, total) -> updates.add(new long[] {received, total}));

            assertThat(got).isEqualTo(target());
            assertThat(Files.readAllBytes(got)).isEqualTo(content);
            assertThat(updates.getLast()).containsExactly(content.length, content.length);
            assertThat(updates).extracting(u -> u[0]).isSorted();
            assertThat(Files.list(target().getParent())).containsExactly(target());
        }
    }

    @Test
    void keepsAnExistingFileWithTheRightChecksum() throws Exception {
        Files.createDirectories(target().getParent());
        Files.write(target(), content);
        try (LocalHttpServer server = new LocalHttpServer()) {
            downloader.fetch(new Downloader.Item(server.uri("/blob.bin"), target(), sha256(content), ""),
                    Downloader.Progress.NONE);

            assertThat(server.requests()).isZero();
        }
    }

    @Test
    void checksumMismatchLeavesNoFileAndSaysWhatToDo() throws Exception {
        String wrong = sha256("something else".getBytes());
        try (LocalHttpServer server = new LocalHttpServer().serve("/blob.bin", content)) {
            URI url = server.uri("/blob.bin");
            assertThatThrownBy(() -> downloader.fetch(new Downloader.Item(url, target(), wrong,
                    "put blob.bin into the cache by hand"), Downloader.Progress.NONE))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(url.toString())
                    .hasMessageContaining("SHA-256 is " + sha256(content))
                    .hasMessageContaining(wrong)
                    .hasMessageEndingWith("put blob.bin into the cache by hand");
        }
        assertThat(Files.list(target().getParent())).isEmpty();
    }

    @Test
    void httpErrorNamesTheStatusAndTheRemedy() throws Exception {
        try (LocalHttpServer server = new LocalHttpServer()) {
            URI url = server.uri("/missing.bin");
            assertThatThrownBy(() -> downloader.fetch(new Downloader.Item(url, target(), sha256(content),
                    "install the package"), Downloader.Progress.NONE))
                    .isInstanceOf(UserError.class)
                    .hasMessage("could not download " + url + " (HTTP 404); install the package");
        }
        assertThat(target()).doesNotExist();
    }

    @Test
    void unreachableServerIsAUserError() throws Exception {
        URI url;
        try (LocalHttpServer server = new LocalHttpServer()) {
            url = server.uri("/blob.bin");
        }
        // The port was just released, so nothing listens there now.
        assertThatThrownBy(() -> downloader.fetch(new Downloader.Item(url, target(), sha256(content), "no network?"),
                Downloader.Progress.NONE))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith("could not download " + url)
                .hasMessageEndingWith("no network?");
        assertThat(target()).doesNotExist();
    }

    @Test
    void sha256OfMatchesTheJdkDigest() throws IOException, NoSuchAlgorithmException {
        Path file = Files.write(dir.resolve("f"), content);

        assertThat(Downloader.sha256Of(file)).isEqualTo(sha256(content));
    }
}
