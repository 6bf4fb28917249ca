package imvec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

/** Options every subcommand takes. */
public final class Common {
    @Option(names = "--json", description = "Print machine-readable results as JSON on stdout.")
    boolean json;

    @Option(names = "--verbose", description = "Show stack traces and details.")
    boolean verbose;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void printJson(Object value) {
        try {
            System.out.println(MAPPER.writeValueAsString(value));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A progress bar on a terminal; silent for --json, in CI and when output is piped. */
    ProgressBar progress(String task) {
        boolean show = !json && System.console() != null && System.getenv("CI") == null;
        return new ProgressBar(task, show);
    }

    void warn(String message) {
        System.err.println("imvec: warning: " + message);
    }
}
