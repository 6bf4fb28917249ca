package imvec.explore;

import java.io.File;
import java.net.URI;

/** Opens a URL in the desktop's browser when there is a desktop. */
public final class Browser {
    private Browser() {
    }

    /** True when a display is set and {@code xdg-open} (or macOS {@code open}) exists. */
    public static boolean available() {
        boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null
                || System.getProperty("os.name", "").startsWith("Mac");
        return display && opener() != null;
    }

    private static String opener() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, "xdg-open").canExecute()) return "xdg-open";
            if (new File(dir, "open").canExecute() && System.getProperty("os.name", "").startsWith("Mac")) return "open";
        }
        return null;
    }

    /** Starts the browser on {@code url}; false when there is none or it would not start. */
    public static boolean open(URI url) {
        if (!available()) return false;
        try {
            new ProcessBuilder(opener(), url.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
