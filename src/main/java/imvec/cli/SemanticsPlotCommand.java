package imvec.cli;

import imvec.report.SemanticsOverlay;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "semantics-plot", description = "Overlay the 2-vs-2 curves of several `imvec semantics` results (models or word-vector sets) on one figure.")
final class SemanticsPlotCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Parameters(arity = "1..*", paramLabel = "DIR", description = "Result directories written by `imvec semantics --out`.")
    List<Path> dirs;

    @Option(names = "--out", required = true, description = "Figure to write (FILE.png and FILE.svg).")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<Path> files = SemanticsOverlay.plot(dirs, out);
        if (common.json) {
            common.printJson(Map.of("inputs", dirs.stream().map(Path::toString).toList(), "files", files.stream().map(Path::toString).toList()));
        } else {
            System.out.println("Wrote " + String.join(" and ", files.stream().map(Path::toString).toList()) + ".");
        }
        return 0;
    }
}
