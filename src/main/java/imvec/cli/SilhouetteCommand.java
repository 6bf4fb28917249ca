package imvec.cli;

import imvec.analysis.Silhouette;
import imvec.store.LabelledMatrix;
import imvec.store.Npy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "silhouette", description = "Exact silhouette score of labelled rows: per point, per class and the mean.")
final class SilhouetteCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    MatrixInput input;

    @Option(names = "--metric", defaultValue = "euclidean", description = "euclidean or cosine (default ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--samples", description = "Write the per-point silhouettes to this .npy file.")
    Path samples;

    @Override
    public Integer call() throws Exception {
        LabelledMatrix m = input.load();
        long t0 = System.nanoTime();
        Silhouette.Result r = Silhouette.builder().optMetric(Silhouette.Metric.of(metric))
                .optClassNames(m.classes()).optInputName(m.source()).build().compute(m.rows(), m.labels());
        double secs = (System.nanoTime() - t0) / 1e9;
        if (samples != null) {
            float[] s = new float[r.samples().length];
            for (int i = 0; i < s.length; i++) s[i] = (float) r.samples()[i];
            Npy.write(samples, s, s.length);
        }
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("source", m.source());
            out.put("n", m.n());
            out.put("dims", m.dims());
            out.put("metric", r.metric().toString());
            out.put("score", r.score());
            Map<String, Object> perClass = new LinkedHashMap<>();
            for (int i = 0; i < r.classes().length; i++) perClass.put(r.classNames().get(i), r.classScores()[i]);
            out.put("per_class", perClass);
            out.put("seconds", secs);
            if (samples != null) out.put("samples", samples.toString());
            common.printJson(out);
            return 0;
        }
        System.out.printf(Locale.ROOT, "Silhouette (%s) of %s: %.6f over %d rows × %d dims (%.2f s).%n",
                r.metric(), m.source(), r.score(), m.n(), m.dims(), secs);
        int w = r.classNames().stream().mapToInt(String::length).max().orElse(5);
        for (int i = 0; i < r.classes().length; i++) {
            System.out.printf(Locale.ROOT, "  %-" + w + "s  %8.4f  (%d rows)%n", r.classNames().get(i), r.classScores()[i], r.classSizes()[i]);
        }
        return 0;
    }
}
