package imvec.store;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a snippet in Debian's python3 with numpy, the independent reader our .npy files must satisfy. */
public final class NumpyCheck {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    private NumpyCheck() {
    }

    public static void assumeNumpy() throws Exception {
        boolean ok = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import numpy").start().waitFor() == 0;
        Assumptions.assumeTrue(ok, "numpy not available at /usr/bin/python3 (apt-get install python3-numpy); skipping the independent-reader check");
    }

    public static String run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new AssertionError("python failed:\n" + out);
        return out;
    }
}
