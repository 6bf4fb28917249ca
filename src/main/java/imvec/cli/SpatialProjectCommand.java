package imvec.cli;

import imvec.report.SpatialViews;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "project", description = "Place images along one word (a strip) or two words (a scatter); also scores.csv.")
final class SpatialProjectCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    SpatialModelOptions m;

    @Option(names = "--word", required = true, description = "The word of an axis; give it once or twice.")
    List<String> axis;

    @Option(names = "--seed", defaultValue = "42")
    long seed;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws Exception {
        if (axis.size() > 2) throw new UserError("give --word once (a strip) or twice (a scatter), not " + axis.size() + " times.");
        Map<String, Object> r = SpatialViews.project(m.model, m.data, m.words, m.names, axis, seed, out);
        if (common.json) {
            common.printJson(r);
            return 0;
        }
        System.out.println("Projected " + r.get("images") + " images along " + axis + "; wrote " + out + " (projection.png, scores.csv, scores/).");
        return 0;
    }
}
