package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.AtomicFiles;
import imvec.util.UserError;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page with a rotatable 3-D scatter coloured by class: a canvas drawn by a
 * few dozen lines of plain JavaScript inside the page (drag to rotate, wheel to zoom, click a
 * class in the legend to hide it). Nothing is fetched from the web, so it opens offline.
 */
public final class Scatter3dPage {
    private Scatter3dPage() {
    }

    /**
     * Writes the page.
     *
     * @param xyz        N rows of at least three coordinates
     * @param labels     one class label per row
     * @param classNames names indexed by label value (missing ones show as the number)
     * @param facts      provenance shown under the plot
     */
    public static void write(Path file, String title, double[][] xyz, int[] labels, List<String> classNames,
                             Map<String, ?> facts) throws IOException {
        if (xyz.length != labels.length) {
            throw new UserError("3-D plot '" + title + "' has " + xyz.length + " points but " + labels.length + " labels.");
        }
        int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("points", coordinates(xyz));
        int[] codes = new int[labels.length];
        for (int i = 0; i < labels.length; i++) codes[i] = Arrays.binarySearch(classes, labels[i]);
        data.put("labels", codes);
        List<String> names = new ArrayList<>();
        List<String> colours = new ArrayList<>();
        for (int c = 0; c < classes.length; c++) {
            int label = classes[c];
            names.add(classNames != null && label >= 0 && label < classNames.size() ? classNames.get(label) : String.valueOf(label));
            Color col = Palette.color(c);
            colours.add(String.format("#%02x%02x%02x", col.getRed(), col.getGreen(), col.getBlue()));
        }
        data.put("names", names);
        data.put("colours", colours);
        String json = new ObjectMapper().writeValueAsString(data).replace("</", "<\\/");
        StringBuilder facts2 = new StringBuilder();
        facts.forEach((k, v) -> facts2.append("<tr><td>").append(HtmlReport.escape(k)).append("</td><td>")
                .append(HtmlReport.escape(String.valueOf(v))).append("</td></tr>\n"));
        String html = PAGE.replace("@TITLE@", HtmlReport.escape(title)).replace("@FACTS@", facts2)
                .replace("@DATA@", json);
        AtomicFiles.writeString(file, html);
    }

    /** Centred and scaled into [-1, 1], rounded to 4 decimals to keep the page small. */
    private static float[] coordinates(double[][] xyz) {
        double[] mid = new double[3];
        double span = 0;
        for (int k = 0; k < 3; k++) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double[] p : xyz) {
                if (p.length < 3 || !Double.isFinite(p[k])) throw new UserError("3-D plot points must be three finite coordinates.");
                lo = Math.min(lo, p[k]);
                hi = Math.max(hi, p[k]);
            }
            mid[k] = (lo + hi) / 2;
            span = Math.max(span, hi - lo);
        }
        double scale = span > 0 ? 2 / span : 1;
        float[] out = new float[xyz.length * 3];
        for (int i = 0; i < xyz.length; i++) {
            for (int k = 0; k < 3; k++) out[i * 3 + k] = Math.round((xyz[i][k] - mid[k]) * scale * 1e4) / 1e4f;
        }
        return out;
    }

    private static final String PAGE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>@TITLE@</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1em;color:#222}
            #wrap{display:flex;gap:1em;align-items:flex-start}
            canvas{border:1px solid #ccc;cursor:grab;background:#fff}
            #legend div{cursor:pointer;padding:1px 4px;user-select:none}
            #legend div.off{opacity:.3}
            #legend span{display:inline-block;width:.8em;height:.8em;margin-right:.4em;border-radius:50%}
            table{border-collapse:collapse;margin-top:1em;font-size:.9em}td{border:1px solid #ddd;padding:2px 6px}
            </style></head><body>
            <h1>@TITLE@</h1>
            <p>Drag to rotate, scroll to zoom, click a class to hide or show it. <label><input type="checkbox" id="spin" checked> spin</label></p>
            <div id="wrap"><canvas id="c" width="800" height="700" role="img" aria-label="3-D scatter plot coloured by class"></canvas><div id="legend"></div></div>
            <table>@FACTS@</table>
            <script>
            const D = @DATA@;
            const P = D.points, L = D.labels, n = L.length;
            const cv = document.getElementById('c'), g = cv.getContext('2d');
            const hidden = new Array(D.names.length).fill(false);
            let yaw = 0.6, pitch = 0.4, zoom = 1, drag = null;
            const legend = document.getElementById('legend');
            D.names.forEach((name, c) => {
              const d = document.createElement('div');
              d.innerHTML = '<span style="background:' + D.colours[c] + '"></span>';
              d.appendChild(document.createTextNode(name));
              d.onclick = () => { hidden[c] = !hidden[c]; d.classList.toggle('off'); draw(); };
              legend.appendChild(d);
            });
            const depth = new Float32Array(n), sx = new Float32Array(n), sy = new Float32Array(n);
            const order = Array.from({length: n}, (_, i) => i);
            // Spinning re-sorts every frame; with many points start still.
            if (n > 20000) document.getElementById('spin').checked = false;
            const radius = n > 20000 ? 1.2 : n > 2000 ? 2 : 3;
            function draw() {
              const cy = Math.cos(yaw), sy0 = Math.sin(yaw), cp = Math.cos(pitch), sp = Math.sin(pitch);
              const s = Math.min(cv.width, cv.height) * 0.36 * zoom;
              for (let i = 0; i < n; i++) {
                const x = P[3*i], y = P[3*i+1], z = P[3*i+2];
                const x1 = cy * x + sy0 * z, z1 = -sy0 * x + cy * z;
                const y2 = cp * y - sp * z1, z2 = sp * y + cp * z1;
                const f = 3 / (3 + z2);
                sx[i] = cv.width / 2 + s * f * x1; sy[i] = cv.height / 2 - s * f * y2; depth[i] = z2;
              }
              // Far points first, so near ones are drawn over them.
              order.sort((a, b) => depth[b] - depth[a]);
              g.clearRect(0, 0, cv.width, cv.height);
              g.globalAlpha = 0.8;
              for (const i of order) {
                if (hidden[L[i]]) continue;
                g.fillStyle = D.colours[L[i]];
                g.beginPath(); g.arc(sx[i], sy[i], radius * 3 / (3 + depth[i]), 0, 2 * Math.PI); g.fill();
              }
            }
            cv.onmousedown = e => { drag = [e.clientX, e.clientY]; cv.style.cursor = 'grabbing'; };
            window.onmouseup = () => { drag = null; cv.style.cursor = 'grab'; };
            window.onmousemove = e => {
              if (!drag) return;
              yaw += (e.clientX - drag[0]) * 0.01;
              pitch = Math.max(-1.5, Math.min(1.5, pitch + (e.clientY - drag[1]) * 0.01));
              drag = [e.clientX, e.clientY]; draw();
            };
            cv.onwheel = e => { e.preventDefault(); zoom *= Math.exp(-e.deltaY * 0.001); draw(); };
            function tick() { if (document.getElementById('spin').checked && !drag) { yaw += 0.004; draw(); } requestAnimationFrame(tick); }
            draw(); requestAnimationFrame(tick);
            </script>
            </body></html>
            """;
}
