package imvec.data;

import imvec.store.AtomicFiles;
import imvec.util.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Fetches a dataset file over HTTP into a cache directory. The file appears under its final
 * name only once complete and matching its SHA-256, so an interrupted or corrupted download
 * never passes for data.
 */
public final class Downloader {
    /** Receives download progress; {@code totalBytes} is -1 when the server does not say. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (received, total) -> {
        };

        void update(long receivedBytes, long totalBytes);
    }

    /**
     * One file to fetch. {@code remedy} tells the user what to do when fetching fails, e.g.
     * which package to install or where to put the file by hand.
     */
    public record Item(URI url, Path target, String sha256, String remedy) {
        public Item {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(target, "target");
            if (sha256 == null || !sha256.matches("[0-9a-fA-F]{64}")) {
                throw new IllegalArgumentException("a SHA-256 is 64 hex digits, not " + sha256);
            }
            remedy = remedy == null ? "" : remedy;
        }
    }

    private static final int BUFFER = 1 << 16;

    private final HttpClient client;
    private final Duration readTimeout;

    public Downloader() {
        this(Duration.ofSeconds(20), Duration.ofMinutes(2));
    }

    /** {@code readTimeout} bounds the wait for the response headers, not the whole transfer. */
    public Downloader(Duration connectTimeout, Duration readTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.readTimeout = readTimeout;
    }

    /**
     * Returns {@code item.target()}, downloading it unless a file with the right SHA-256 is
     * already there. Failures are {@link UserError}s naming the URL and the remedy.
     */
    public Path fetch(Item item, Progress progress) {
        if (Files.isRegularFile(item.target()) && item.sha256().equalsIgnoreCase(sha256Of(item.target()))) {
            return item.target();
        }
        Path dir = createDirectory(item);
        Path part = null;
        try {
            part = Files.createTempFile(dir, "." + item.target().getFileName() + ".", ".part");
            String actual = download(item, part, progress);
            if (!actual.equalsIgnoreCase(item.sha256())) {
                throw new UserError("downloaded " + item.url() + " but its SHA-256 is " + actual
                        + " instead of " + item.sha256().toLowerCase() + suffix(item));
            }
            AtomicFiles.move(part, item.target());
            return item.target();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("the download of " + item.url() + " was interrupted" + suffix(item), e);
        } catch (IOException e) {
            throw new UserError("could not download " + item.url() + " (" + reason(e) + ")" + suffix(item), e);
        } finally {
            deleteQuietly(part);
        }
    }

    private String download(Item item, Path part, Progress progress) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(item.url()).timeout(readTimeout).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new UserError("could not download " + item.url() + " (HTTP " + response.statusCode() + ")"
                        + suffix(item));
            }
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            return copyHashing(body, part, total, progress);
        }
    }

    /** Streams to disk and hashes in the same pass, so a 30 MB file is read once. */
    private static String copyHashing(InputStream body, Path part, long total, Progress progress) throws IOException {
        MessageDigest sha = sha256();
        try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE);
             OutputStream out = Channels.newOutputStream(channel)) {
            byte[] buf = new byte[BUFFER];
            long received = 0;
            progress.update(0, total);
            for (int n; (n = body.read(buf)) != -1; ) {
                out.write(buf, 0, n);
                sha.update(buf, 0, n);
                received += n;
                progress.update(received, total);
            }
            if (total >= 0 && received != total) {
                throw new IOException("connection closed after " + received + " of " + total + " bytes");
            }
            channel.force(true);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The SHA-256 of a file as lower-case hex. */
    public static String sha256Of(Path file) {
        MessageDigest sha = sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) != -1; ) {
                sha.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw DataFiles.unreadable(file, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static Path createDirectory(Item item) {
        Path dir = item.target().toAbsolutePath().getParent();
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("cannot create the download directory " + dir + " (" + DataFiles.describe(e) + ")"
                    + suffix(item), e);
        }
    }

    private static String reason(IOException e) {
        if (e instanceof HttpTimeoutException) {
            return "timed out";
        }
        if (e instanceof ConnectException) {
            return e.getMessage() == null ? "cannot connect" : "cannot connect: " + e.getMessage();
        }
        if (e instanceof InterruptedIOException) {
            return "interrupted";
        }
        return DataFiles.describe(e);
    }

    private static String suffix(Item item) {
        return item.remedy().isEmpty() ? "" : "; " + item.remedy();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // A stray .part file is harmless: it is hidden and never mistaken for the target.
        }
    }
}
