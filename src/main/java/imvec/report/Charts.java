package imvec.report;

import imvec.store.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;

import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Saving and house style shared by the plots. */
final class Charts {
    static {
        // Plots are drawn on servers and in CI: never ask for a display.
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /** Makes sure the headless property is set before the first AWT class loads. */
    static void init() {
    }

    /**
     * Writes {@code stem.png} and {@code stem.svg} (a trailing .png or .svg on the stem is dropped),
     * each through a temporary file renamed into place.
     *
     * <p>XChart draws every glyph as an outline, so the SVG holds no text of its own; the title and
     * description (legend names, axis titles, labels) go in as SVG {@code <title>} and
     * {@code <desc>} so screen readers, search and tests can read them.
     */
    static List<Path> save(Chart<?, ?> chart, Path stem, String title, String description) throws IOException {
        Path base = stripExtension(stem);
        Path png = base.resolveSibling(base.getFileName() + ".png");
        Path svg = base.resolveSibling(base.getFileName() + ".svg");
        AtomicFiles.write(png, out -> BitmapEncoder.saveBitmap(chart, keepOpen(out), BitmapEncoder.BitmapFormat.PNG));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        VectorGraphicsEncoder.saveVectorGraphic(chart, buffer, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        String text = withDescription(buffer.toString(StandardCharsets.UTF_8), title, description);
        AtomicFiles.writeString(svg, text);
        return List.of(png, svg);
    }

    /** Inserts {@code <title>} and {@code <desc>} as the first children of the root element. */
    static String withDescription(String svg, String title, String description) {
        int root = svg.indexOf("<svg");
        int end = root < 0 ? -1 : svg.indexOf('>', root);
        if (end < 0) throw new IllegalStateException("the SVG encoder wrote no <svg> element");
        String meta = "\n  <title>" + escape(title) + "</title>\n  <desc>" + escape(description) + "</desc>";
        return svg.substring(0, end + 1) + meta + svg.substring(end + 1);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Path stripExtension(Path stem) {
        String name = stem.getFileName().toString();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".png") || lower.endsWith(".svg")) {
            return stem.resolveSibling(name.substring(0, name.length() - 4));
        }
        return stem;
    }

    /** Encoders may close their stream; AtomicFiles still has to flush and sync it afterwards. */
    private static OutputStream keepOpen(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(true);
        s.setPlotGridLinesColor(new Color(0xe5e5e5));
        s.setLegendBorderColor(new Color(0xcccccc));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setAnnotationTextFontColor(new Color(0x222222));
        s.setAntiAlias(true);
    }
}
