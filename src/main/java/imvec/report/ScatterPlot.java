package imvec.report;

import imvec.util.UserError;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A 2-D scatter of points coloured by class (e.g. the first two PCA coordinates), saved as PNG
 * and SVG. Up to {@link #LEGEND_LIMIT} classes get a legend with their names; with more (ImageNet's
 * 1,000) the legend would hide the plot, so it is dropped and markers shrink.
 */
public final class ScatterPlot {
    /** Most classes that still get a legend. */
    public static final int LEGEND_LIMIT = 40;

    static {
        Charts.init();
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<String> classNames;
    private final List<String> pointLabels;
    private final int width;
    private final int height;
    private final int markerSize;

    private ScatterPlot(Builder b) {
        this.title = b.title;
        this.xLabel = b.xLabel;
        this.yLabel = b.yLabel;
        this.classNames = b.classNames;
        this.pointLabels = b.pointLabels;
        this.width = b.width;
        this.height = b.height;
        this.markerSize = b.markerSize;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String title;
        private String xLabel = "component 1";
        private String yLabel = "component 2";
        private List<String> classNames;
        private List<String> pointLabels;
        private int width = 900;
        private int height = 700;
        private int markerSize = 0;

        private Builder() {
        }

        /** The chart title (required). */
        public Builder setTitle(String title) {
            this.title = title;
            return this;
        }

        /** Axis titles (default "component 1", "component 2"). */
        public Builder optAxisLabels(String x, String y) {
            this.xLabel = x;
            this.yLabel = y;
            return this;
        }

        /** Names indexed by label value; labels without a name show as their number. */
        public Builder optClassNames(List<String> names) {
            this.classNames = List.copyOf(names);
            return this;
        }

        /** Text drawn beside each point, one per row; null or empty entries draw nothing. */
        public Builder optPointLabels(List<String> labels) {
            this.pointLabels = new ArrayList<>(labels);
            return this;
        }

        /** Image size in pixels (default 900 × 700). */
        public Builder optSize(int width, int height) {
            if (width < 100 || height < 100) throw new UserError("plot size must be at least 100×100; got " + width + "×" + height + ".");
            this.width = width;
            this.height = height;
            return this;
        }

        /** Marker diameter in pixels; 0 (default) picks one from the number of points and classes. */
        public Builder optMarkerSize(int pixels) {
            this.markerSize = pixels;
            return this;
        }

        public ScatterPlot build() {
            if (title == null) throw new IllegalStateException("ScatterPlot needs setTitle");
            return new ScatterPlot(this);
        }
    }

    /**
     * Writes {@code stem.png} and {@code stem.svg}.
     *
     * @param xy     N rows; the first two columns are plotted
     * @param labels one class label per row
     * @return the two files written
     */
    public List<Path> save(Path stem, double[][] xy, int[] labels) throws IOException {
        return Charts.save(chart(xy, labels), stem, title, description(xy, labels));
    }

    /** Plain-text summary for the SVG: what is plotted, the class names, the point labels. */
    String description(double[][] xy, int[] labels) {
        int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
        StringBuilder d = new StringBuilder("Scatter plot of ").append(xy.length).append(" points in ")
                .append(classes.length).append(" classes; x: ").append(xLabel).append("; y: ").append(yLabel)
                .append(". Classes: ");
        int shown = Math.min(classes.length, 1000);
        for (int c = 0; c < shown; c++) d.append(c > 0 ? ", " : "").append(className(classes[c]));
        if (shown < classes.length) d.append(", …");
        d.append('.');
        if (pointLabels != null) {
            List<String> named = pointLabels.stream().filter(t -> t != null && !t.isEmpty()).toList();
            if (!named.isEmpty()) d.append(" Labelled points: ").append(String.join(", ", named)).append('.');
        }
        return d.toString();
    }

    /** The chart, for callers that want to adjust it before saving. */
    public XYChart chart(double[][] xy, int[] labels) {
        check(xy, labels);
        int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
        boolean legend = classes.length <= LEGEND_LIMIT;
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        var s = chart.getStyler();
        Charts.style(s);
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setLegendVisible(legend);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setMarkerSize(markerSize > 0 ? markerSize : autoMarkerSize(xy.length, classes.length));
        if (legend) addClassSeries(chart, xy, labels, classes);
        else addColourSeries(chart, xy, labels, classes);
        if (pointLabels != null) addPointLabels(chart, xy);
        return chart;
    }

    private void check(double[][] xy, int[] labels) {
        if (xy.length == 0) throw new UserError("nothing to plot: '" + title + "' has no points.");
        if (labels.length != xy.length) {
            throw new UserError("plot '" + title + "' has " + xy.length + " points but " + labels.length + " labels.");
        }
        if (pointLabels != null && pointLabels.size() != xy.length) {
            throw new UserError("plot '" + title + "' has " + xy.length + " points but " + pointLabels.size() + " point labels.");
        }
        for (int i = 0; i < xy.length; i++) {
            if (xy[i].length < 2 || !Double.isFinite(xy[i][0]) || !Double.isFinite(xy[i][1])) {
                throw new UserError("plot '" + title + "' point " + i + " is not two finite coordinates.");
            }
        }
    }

    private static int autoMarkerSize(int points, int classes) {
        if (classes > LEGEND_LIMIT || points > 20_000) return 3;
        return points > 2_000 ? 5 : 8;
    }

    private void addClassSeries(XYChart chart, double[][] xy, int[] labels, int[] classes) {
        for (int c = 0; c < classes.length; c++) {
            int label = classes[c];
            int[] rows = rowsWhere(labels, l -> l == label);
            XYSeries series = chart.addSeries(uniqueName(chart, className(label)), column(xy, rows, 0), column(xy, rows, 1));
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(Palette.color(c));
        }
    }

    /** Without a legend, one series per palette colour keeps rendering and the SVG small. */
    private static void addColourSeries(XYChart chart, double[][] xy, int[] labels, int[] classes) {
        int colours = Palette.QUALITATIVE.size();
        for (int k = 0; k < colours; k++) {
            int colour = k;
            int[] rows = rowsWhere(labels, l -> Math.floorMod(Arrays.binarySearch(classes, l), colours) == colour);
            if (rows.length == 0) continue;
            XYSeries series = chart.addSeries("colour " + k, column(xy, rows, 0), column(xy, rows, 1));
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setMarkerColor(Palette.color(k));
        }
    }

    private void addPointLabels(XYChart chart, double[][] xy) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] p : xy) {
            lo = Math.min(lo, p[1]);
            hi = Math.max(hi, p[1]);
        }
        // Lift the text a little so it sits above its marker rather than on it.
        double lift = (hi > lo ? hi - lo : 1) * 0.025;
        for (int i = 0; i < xy.length; i++) {
            String text = pointLabels.get(i);
            if (text != null && !text.isEmpty()) chart.addAnnotation(new AnnotationText(text, xy[i][0], xy[i][1] + lift, false));
        }
    }

    private String className(int label) {
        if (classNames != null && label >= 0 && label < classNames.size()) return classNames.get(label);
        return String.valueOf(label);
    }

    /** XChart keys series by name, so two classes sharing a name must not collide. */
    private static String uniqueName(XYChart chart, String name) {
        String n = name;
        for (int i = 2; chart.getSeriesMap().containsKey(n); i++) n = name + " (" + i + ")";
        return n;
    }

    private static int[] rowsWhere(int[] labels, java.util.function.IntPredicate keep) {
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> keep.test(labels[i])).toArray();
    }

    private static double[] column(double[][] xy, int[] rows, int c) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) out[i] = xy[rows[i]][c];
        return out;
    }
}
