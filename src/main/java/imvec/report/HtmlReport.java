package imvec.report;

import imvec.store.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML report: headings, prose, tables and images referenced by relative path,
 * closed by a provenance block. Later analyses add sections; nothing is fetched from the web.
 */
public final class HtmlReport {
    private final String title;
    private final StringBuilder body = new StringBuilder();

    public HtmlReport(String title) {
        this.title = title;
    }

    public HtmlReport section(String heading) {
        body.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    public HtmlReport paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    public HtmlReport table(List<String> header, List<List<String>> rows) {
        body.append("<table>\n<tr>");
        for (String h : header) body.append("<th>").append(escape(h)).append("</th>");
        body.append("</tr>\n");
        for (List<String> r : rows) {
            body.append("<tr>");
            for (String c : r) body.append("<td>").append(escape(c)).append("</td>");
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Images side by side, each with a caption; paths relative to the report. */
    public HtmlReport figures(List<String> paths, List<String> captions) {
        body.append("<div class=\"figs\">\n");
        for (int i = 0; i < paths.size(); i++) {
            body.append("<figure><img src=\"").append(escape(paths.get(i))).append("\" alt=\"")
                    .append(escape(captions.get(i))).append("\"><figcaption>").append(escape(captions.get(i)))
                    .append("</figcaption></figure>\n");
        }
        body.append("</div>\n");
        return this;
    }

    /** A list of links (e.g. to 3-D pages beside the report); paths relative to the report. */
    public HtmlReport links(List<String> paths, List<String> texts) {
        body.append("<ul>\n");
        for (int i = 0; i < paths.size(); i++) {
            body.append("<li><a href=\"").append(escape(paths.get(i))).append("\">").append(escape(texts.get(i)))
                    .append("</a></li>\n");
        }
        body.append("</ul>\n");
        return this;
    }

    public HtmlReport provenance(Map<String, ?> facts) {
        List<List<String>> rows = new ArrayList<>();
        facts.forEach((k, v) -> rows.add(List.of(k, String.valueOf(v))));
        section("Provenance");
        return table(List.of("what", "value"), rows);
    }

    public void write(Path file) throws IOException {
        String html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title>\n"
                + "<style>body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}"
                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}"
                + "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                + ".figs{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0;max-width:560px}img{max-width:100%}"
                + "figcaption{font-size:.9em;color:#555}</style></head><body>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</body></html>\n";
        AtomicFiles.writeString(file, html);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
