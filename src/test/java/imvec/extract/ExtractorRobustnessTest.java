package imvec.extract;

import imvec.store.Manifest;
import imvec.store.RunLock;
import imvec.store.Synthetic;
import imvec.util.UserError;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Misuse of a run directory: two writers at once, a full disk, a run that only needs assembly. */
class ExtractorRobustnessTest {
    @TempDir
    Path tmp;

    private static final List<String> OUTPUTS = List.of("labels.npy", "ids.txt", "classes.txt",
            "layers/input.npy", "layers/maps.npy", "layers/probabilities.npy", "topk_indices.npy", "topk_probs.npy");

    @Test
    void aSecondExtractionIntoARunAnotherProcessWritesFailsAndTheFirstFinishesIntact() throws Exception {
        Path whole = tmp.resolve("whole");
        Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(whole);

        Path run = tmp.resolve("run");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Synthetic.class.getName(), run.toString(), "120", "150")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!lockNamesProcess(run, child.pid()) && System.nanoTime() < deadline && child.isAlive()) Thread.sleep(20);
            assertThat(child.isAlive()).as("child still extracting").isTrue();

            assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(run))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining(run.toString())
                    .hasMessageContaining("process " + child.pid())
                    .hasMessageNotContaining("\n");
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isZero();
        } finally {
            child.destroyForcibly();
        }
        assertSameRun(whole, run);
    }

    @Test
    void aLockedRunIsLeftExactlyAsItWas() throws IOException {
        Path run = tmp.resolve("run");
        Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).build().run(run);
        byte[] manifest = Files.readAllBytes(run.resolve(Manifest.FILE));
        List<String> before = listing(run);
        try (RunLock held = RunLock.acquire(run)) {
            // --force would delete the finished run's manifest: the lock must stop it first.
            assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0))
                    .optTopK(1).optForce(true).build().run(run))
                    .isInstanceOf(UserError.class).hasMessageContaining("process " + ProcessHandle.current().pid());
        }
        assertThat(Files.readAllBytes(run.resolve(Manifest.FILE))).isEqualTo(manifest);
        assertThat(listing(run)).isEqualTo(before);

        Path fresh = tmp.resolve("fresh");
        try (RunLock held = RunLock.acquire(fresh)) {
            assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).build().run(fresh))
                    .isInstanceOf(UserError.class);
            assertThat(listing(fresh)).containsExactly(RunLock.FILE + ":0");
        }
    }

    @Test
    void aLockFileLeftByADeadProcessDoesNotBlock() throws IOException {
        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        // A process id that no running process has: the file alone, without the OS lock, means nothing.
        Files.writeString(run.resolve(RunLock.FILE), "2147480000\n");
        var r = Synthetic.extractor(Synthetic.images(20, Set.of()), Synthetic.model(0)).build().run(run);
        assertThat(r.rows()).isEqualTo(20);
        assertThat(Files.readString(run.resolve(RunLock.FILE))).isEmpty();
    }

    @Test
    void aRunWhoseChunksWereAllDoneIsAssembledWithoutClaimingASpeed() throws IOException {
        Path whole = tmp.resolve("whole");
        Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0)).build().run(whole);

        Path run = tmp.resolve("run");
        Files.createDirectories(run);
        Files.writeString(run.resolve("layers"), "in the way"); // assembly fails after every chunk is committed
        assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0)).build().run(run))
                .isInstanceOf(IOException.class);
        Files.delete(run.resolve("layers"));
        var r = Synthetic.extractor(Synthetic.images(70, Set.of(5)), Synthetic.model(0)).build().run(run);
        assertThat(r.extracted()).isZero();
        assertThat(r.imagesPerSecond()).isZero();
        assertThat(r.resumedChunks()).isEqualTo(5);
        assertThat(r.alreadyComplete()).isFalse();
        assertSameRun(whole, run);
    }

    /**
     * A real full disk: a tmpfs too small for the run, mounted by the test (root only). The error
     * names the file and says to rerun; after making room the same call resumes to the same bytes.
     */
    @Test
    void aFullDiskIsOneSentenceAndTheSameCommandResumes() throws Exception {
        Path whole = tmp.resolve("whole");
        Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(whole);

        Path mnt = tmp.resolve("small-disk");
        Files.createDirectories(mnt);
        Assumptions.assumeTrue(exec("mount", "-t", "tmpfs", "-o", "size=96k", "tmpfs", mnt.toString()) == 0,
                "skipped: cannot mount a small tmpfs here (needs root and mount rights), so no real full disk to test on");
        try {
            Path run = mnt.resolve("run");
            assertThatThrownBy(() -> Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(run))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("ran out of space while writing " + run)
                    .hasMessageContaining("run the same command again")
                    .hasMessageNotContaining("\n");
            assertThat(run.resolve(Manifest.FILE)).doesNotExist();
            assertThat(exec("mount", "-o", "remount,size=8m", mnt.toString())).isZero();
            var resumed = Synthetic.extractor(Synthetic.images(120, Set.of(5)), Synthetic.model(0)).build().run(run);
            assertThat(resumed.rows()).isEqualTo(119);
            assertSameRun(whole, run);
        } finally {
            exec("umount", mnt.toString());
        }
    }

    private static int exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }

    private static boolean lockNamesProcess(Path run, long pid) throws IOException {
        Path f = run.resolve(RunLock.FILE);
        return Files.isRegularFile(f) && Files.readString(f).strip().equals(Long.toString(pid));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p) + ":" + size(p)).sorted().toList();
        }
    }

    private static long size(Path p) {
        try {
            return p.getFileName().toString().equals(RunLock.FILE) ? 0 : Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertSameRun(Path a, Path b) throws IOException {
        for (String f : OUTPUTS) assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(a.resolve(f)));
        assertThat(Manifest.read(b).skipped()).isEqualTo(Manifest.read(a).skipped());
        assertThat(b.resolve(".partial")).doesNotExist();
    }
}
