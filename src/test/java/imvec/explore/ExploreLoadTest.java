package imvec.explore;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 50 clients at once, 200 requests each, on 127.0.0.1: thumbnails, images, search and label
 * writes. No request may fail and no label may be lost; latencies are printed, not asserted.
 */
class ExploreLoadTest {
    static final int CLIENTS = 50;
    static final int REQUESTS = 200;

    @TempDir
    Path dir;

    @Test
    void fiftyClientsLoseNothing() throws Exception {
        ExploreRun run = ExploreRun.open(ExploreFixture.build(dir), null);
        try (ExploreServer server = ExploreServer.builder().setRun(run).setAtlas(ThumbnailAtlas.open(run, 32, d -> { })).start()) {
            String base = "http://127.0.0.1:" + server.port();
            ConcurrentLinkedQueue<Long> nanos = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<String>> lastLabel = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                lastLabel.add(pool.submit(() -> client(base, server.token(), client, nanos, errors)));
            }
            Map<Integer, String> expected = new HashMap<>();
            for (int c = 0; c < CLIENTS; c++) expected.put(c, lastLabel.get(c).get());
            double wall = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            assertThat(errors).isEmpty();
            assertThat(nanos).hasSize(CLIENTS * REQUESTS);
            // Every client's last write is the label its row has, in memory and in labels.csv on disk.
            List<String> csv = Files.readAllLines(run.dir().resolve(LabelJournal.CSV));
            for (var e : expected.entrySet()) {
                assertThat(server.labels().labels().get(run.id(e.getKey()))).isEqualTo(e.getValue());
                assertThat(csv).contains(run.id(e.getKey()) + "," + e.getValue());
            }
            // Every write acknowledged is a line in the journal, and the journal reloads to the same labels.
            long writes = CLIENTS * (long) (REQUESTS / 4);
            assertThat(Files.readAllLines(server.labels().journalFile())).hasSize((int) writes);
            assertThat(LabelJournal.open(run.dir(), run.ids()).labels()).isEqualTo(server.labels().labels());
            long[] ms = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "explore load: %d clients x %d requests in %.1f s (%.0f req/s); latency ms median %.1f, p90 %.1f, p99 %.1f, max %.1f; cores %d, load %s%n",
                    CLIENTS, REQUESTS, wall, ms.length / wall, ms[ms.length / 2] / 1e6, ms[ms.length * 9 / 10] / 1e6, ms[ms.length * 99 / 100] / 1e6,
                    ms[ms.length - 1] / 1e6, Runtime.getRuntime().availableProcessors(),
                    Arrays.toString(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() >= 0
                            ? new double[] {java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()} : new double[0]));
        }
    }

    /** One client's requests; returns the last label it gave its own row. */
    private static String client(String base, String token, int client, ConcurrentLinkedQueue<Long> nanos,
                                 ConcurrentLinkedQueue<String> errors) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        ObjectMapper json = new ObjectMapper();
        String last = null;
        for (int i = 0; i < REQUESTS; i++) {
            HttpRequest.Builder b;
            String label = null;
            switch (i % 4) {
                case 0 -> b = HttpRequest.newBuilder(URI.create(base + "/api/atlas/0?token=" + token));
                case 1 -> b = HttpRequest.newBuilder(URI.create(base + "/api/image/" + ((client + i) % 60) + "?token=" + token));
                case 2 -> b = HttpRequest.newBuilder(URI.create(base + "/api/search?top=10&word=" + List.of("red", "green", "blue").get(i % 3) + "&token=" + token));
                default -> {
                    label = "c" + client + "-" + i;
                    b = HttpRequest.newBuilder(URI.create(base + "/api/labels")).header("X-Imvec-Token", token)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"label\":\"" + label + "\",\"rows\":[" + client + "]}"));
                }
            }
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = http.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
            nanos.add(System.nanoTime() - t0);
            if (r.statusCode() != 200) {
                errors.add(r.statusCode() + " " + new String(r.body()));
            } else if (label != null) {
                if (json.readTree(r.body()).get("seq").asLong() < 1) errors.add("no sequence number");
                last = label;
            }
        }
        return last;
    }
}
