package imvec.cli;

import imvec.classvec.Centroids;
import imvec.report.ClassVectorReport;
import imvec.store.LabelledMatrix;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "centroids", description = "Class centroids: the mean activation of each class in one stored layer.")
final class CentroidsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    MatrixInput input;

    @Option(names = {"--normalise", "--normalize"}, description = "L2-normalise each row before averaging.")
    boolean normalise;

    @Option(names = "--out", required = true, description = "Output directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
        LabelledMatrix m = input.load();
        Centroids.Result r = Centroids.of(m, normalise);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("method", "centroids");
        s.put("source", m.source());
        s.put("rows", m.n());
        s.put("normalised_rows", normalise);
        s.put("counts", r.counts());
        s.put("missing_classes", r.missing());
        ClassVectorReport.Written w = ClassVectorReport.write(out, r.vectors(), "centroids of " + m.source(), "centroids.json", s);
        if (common.json) {
            s.put("files", w.files());
            common.printJson(s);
            return 0;
        }
        System.out.println("Centroids of " + m.source() + ": " + r.vectors().size() + " classes × " + r.vectors().dims() + " dims"
                + (normalise ? " (rows L2-normalised first)." : "."));
        if (!r.missing().isEmpty()) common.warn("no rows of " + r.missing() + "; they get no centroid.");
        if (w.table() != null) System.out.print(w.table().markdown(3));
        System.out.println("Wrote " + out + " (vectors.txt, cosine.md/csv/png, pca-raw, pca-normalised, centroids.json).");
        return 0;
    }
}
