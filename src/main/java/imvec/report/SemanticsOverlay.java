package imvec.report;

import com.fasterxml.jackson.databind.JsonNode;
import imvec.store.Manifest;
import imvec.util.UserError;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Several {@code imvec semantics} results on one figure: models or word-vector sets compared by
 * 2-vs-2 accuracy per layer. Runs with the same layers share named categories; otherwise each
 * curve is drawn against relative depth (first layer 0, last 1), so networks of different depth
 * line up input to output.
 */
public final class SemanticsOverlay {
    static {
        Charts.init();
    }

    private SemanticsOverlay() {
    }

    /** One result directory's 2-vs-2 curve. */
    public record Curve(String name, List<String> layers, double[] accuracy) {
    }

    public static Curve read(Path dir) {
        Path f = dir.resolve("semantics.json");
        if (!Files.isRegularFile(f)) throw new UserError(dir + " holds no semantics.json; run `imvec semantics --out " + dir + "` first.");
        JsonNode j;
        try {
            j = Manifest.json().readTree(f.toFile());
        } catch (IOException e) {
            throw new UserError(f + " is not valid JSON: " + e.getMessage(), e);
        }
        List<String> layers = new ArrayList<>();
        List<Double> acc = new ArrayList<>();
        for (JsonNode l : j.path("layers")) {
            layers.add(l.path("layer").asText());
            JsonNode v = l.get("two_vs_two");
            acc.add(v == null || v.isNull() ? Double.NaN : v.asDouble());
        }
        if (layers.isEmpty()) throw new UserError(f + " has no layers.");
        if (acc.stream().allMatch(d -> d.isNaN())) throw new UserError(f + " has no 2-vs-2 results; run semantics with --tests including 2v2.");
        String run = Path.of(j.path("run").asText(dir.toString())).getFileName() + "";
        String words = Path.of(j.path("words").asText("words")).getFileName() + "";
        return new Curve(run + " × " + words, layers, acc.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Writes {@code out} (.png and .svg) and returns the files. */
    public static List<Path> plot(List<Path> dirs, Path out) throws IOException {
        if (dirs.isEmpty()) throw new UserError("semantics-plot needs at least one result directory.");
        List<Curve> curves = new ArrayList<>();
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Path d : dirs) {
            Curve c = read(d);
            String name = c.name();
            for (int i = 2; !names.add(name); i++) name = c.name() + " (" + i + ")";
            curves.add(new Curve(name, c.layers(), c.accuracy()));
        }
        String title = "2-vs-2 accuracy across layers";
        // Always show the chance line at 0.5.
        double lo = Math.min(0.45, Math.floor(20 * curves.stream().flatMapToDouble(c -> java.util.Arrays.stream(c.accuracy()))
                .filter(Double::isFinite).min().orElse(0.5) - 1) / 20);
        if (curves.stream().allMatch(c -> c.layers().equals(curves.get(0).layers()))) {
            LinePlot.Builder b = LinePlot.builder().setTitle(title).setCategories(curves.get(0).layers())
                    .optAxisLabels("layer (input → output)", "2-vs-2 accuracy").optReferenceLine(0.5, "chance").optYRange(lo, 1.0);
            for (Curve c : curves) b.addSeries(c.name(), c.accuracy());
            return b.build().save(out);
        }
        return Charts.save(depthChart(title, curves, lo), out, title,
                "2-vs-2 accuracy against relative layer depth (0 = first stored layer, 1 = last) for " + String.join(", ", names) + ". Chance is 0.5.");
    }

    private static XYChart depthChart(String title, List<Curve> curves, double yMin) {
        XYChart chart = new XYChartBuilder().width(900).height(600).title(title)
                .xAxisTitle("relative depth (first stored layer 0, last 1)").yAxisTitle("2-vs-2 accuracy").build();
        var s = chart.getStyler();
        Charts.style(s);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setMarkerSize(7);
        s.setXAxisMin(0.0);
        s.setXAxisMax(1.0);
        s.setYAxisMin(yMin);
        s.setYAxisMax(1.0);
        int i = 0;
        for (Curve c : curves) {
            int n = c.layers().size();
            double[] x = new double[n];
            for (int q = 0; q < n; q++) x[q] = n == 1 ? 0 : q / (double) (n - 1);
            XYSeries series = chart.addSeries(c.name(), x, c.accuracy());
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setLineColor(Palette.color(i));
            series.setMarkerColor(Palette.color(i));
            series.setMarker(SeriesMarkers.CIRCLE);
            i++;
        }
        chart.addAnnotation(new AnnotationLine(0.5, false, false));
        return chart;
    }
}
