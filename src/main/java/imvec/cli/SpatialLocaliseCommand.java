package imvec.cli;

import imvec.report.SpatialViews;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "localise", aliases = "localize", description = "Heat-map overlays of where each word is, per image (PNG).")
final class SpatialLocaliseCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    SpatialModelOptions m;

    @Option(names = "--word", required = true, description = "A word to localise; repeat for more.")
    List<String> labels;

    @Option(names = "--limit", defaultValue = "16", description = "Images to draw (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> r = SpatialViews.localise(m.model, m.data, m.words, m.names, labels, limit, out);
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.println("Wrote " + ((List<?>) r.get("overlays")).size() + " overlays to " + out + ".");
        return 0;
    }
}
