package imvec.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.data.Image;
import imvec.data.MultiLabelSet;
import imvec.spatial.MapQuery;
import imvec.spatial.MapSearcher;
import imvec.store.StagedDirectory;
import imvec.util.UserError;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A map-search result page: the query grids and the top images as thumbnails, plus {@code search.json}. */
public final class SearchPage {
    public static final String MARKER = "search.json";
    private static final int THUMB = 192;

    private SearchPage() {
    }

    /** Writes {@code search.html}, {@code thumbs/} and {@code search.json} into {@code out}, all at once. */
    public static Path write(List<MapSearcher.Hit> hits, MapQuery query, MultiLabelSet data, Map<String, Object> provenance, Path out)
            throws IOException {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < data.size(); i++) index.put(data.id(i), i);
        try (StagedDirectory staged = StagedDirectory.create(out, MARKER)) {
            Path dir = staged.path();
            Files.createDirectories(dir.resolve("thumbs"));
            List<String> paths = new ArrayList<>(), captions = new ArrayList<>();
            for (MapSearcher.Hit h : hits) {
                Integer i = index.get(h.id());
                if (i == null) throw new UserError("image '" + h.id() + "' of the scores is not in " + data.spec() + ", so it has no thumbnail");
                String name = String.format(Locale.ROOT, "thumbs/%03d.png", h.rank());
                ImageIO.write(thumbnail(data.read(i)), "png", dir.resolve(name).toFile());
                paths.add(name);
                captions.add(String.format(Locale.ROOT, "%d. %s (%.4f)", h.rank(), h.id(), h.score()));
            }
            HtmlReport page = new HtmlReport("Map search");
            page.section("Query");
            for (MapQuery.Term t : query.terms()) {
                List<List<String>> rows = new ArrayList<>();
                for (int r = 0; r < t.rows(); r++) {
                    List<String> row = new ArrayList<>();
                    for (int c = 0; c < t.cols(); c++) {
                        float v = t.grid()[r * t.cols() + c];
                        row.add(v > 0 ? "+1 (here)" : v < 0 ? "−1 (not here)" : "0");
                    }
                    rows.add(row);
                }
                List<String> header = new ArrayList<>();
                for (int c = 0; c < t.cols(); c++) header.add(c == 0 ? "'" + t.word() + "'" : "");
                page.table(header, rows);
            }
            page.section("Top " + hits.size()).figures(paths, captions).provenance(provenance);
            page.write(dir.resolve("search.html"));
            Map<String, Object> json = new LinkedHashMap<>(provenance);
            json.put("hits", hits);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(MARKER).toFile(), json);
            staged.commit();
        }
        return out.resolve("search.html");
    }

    private static BufferedImage thumbnail(Image img) {
        double scale = (double) THUMB / Math.max(img.width(), img.height());
        int w = Math.max(1, (int) Math.round(img.width() * scale)), h = Math.max(1, (int) Math.round(img.height() * scale));
        BufferedImage src = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) {
                int r = img.sample(y, x, 0), g = img.sample(y, x, img.channels() == 3 ? 1 : 0), b = img.sample(y, x, img.channels() == 3 ? 2 : 0);
                src.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, w, h, null);
        g.dispose();
        return out;
    }
}
