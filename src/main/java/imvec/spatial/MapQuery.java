package imvec.spatial;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A painted-map query: per word, a grid of +1 (the word here), −1 (not here) and 0 (either) laid
 * over the whole image, of any size. Written as JSON, one grid per word, rows top to bottom:
 * <pre>{"dog": [[0, 1], [0, -1]], "grass": [[0, 0], [1, 1]]}</pre>
 * means a dog top right, no dog bottom right, grass along the bottom.
 */
public record MapQuery(List<Term> terms, String source) {
    /** One word's grid, gh rows × gw columns, row-major. */
    public record Term(String word, int rows, int cols, float[] grid) {
    }

    /** Reads a query file; every grid must be a non-empty rectangle of −1, 0 and 1. */
    public static MapQuery read(Path file) {
        if (!Files.isRegularFile(file)) throw new UserError("query file " + file + " does not exist");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UserError("query file " + file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        return parse(root, file.toString());
    }

    public static MapQuery parse(JsonNode root, String source) {
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new UserError("query " + source + " must be a JSON object mapping each word to a grid, e.g. {\"dog\": [[0, 1], [0, -1]]}");
        }
        List<Term> terms = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            terms.add(term(e.getKey(), e.getValue(), source));
        }
        return new MapQuery(List.copyOf(terms), source);
    }

    private static Term term(String word, JsonNode grid, String source) {
        String shape = "the grid of '" + word + "' in query " + source;
        if (!grid.isArray() || grid.isEmpty()) throw new UserError(shape + " must be a non-empty list of rows, e.g. [[0, 1], [0, -1]]");
        int rows = grid.size(), cols = -1;
        float[] values = null;
        for (int r = 0; r < rows; r++) {
            JsonNode row = grid.get(r);
            if (!row.isArray() || row.isEmpty()) throw new UserError(shape + " has row " + (r + 1) + " that is not a non-empty list of cells");
            if (cols < 0) {
                cols = row.size();
                values = new float[rows * cols];
            } else if (row.size() != cols) {
                throw new UserError(shape + " is not rectangular: row " + (r + 1) + " has " + row.size() + " cells but row 1 has " + cols);
            }
            for (int c = 0; c < cols; c++) {
                JsonNode cell = row.get(c);
                double v = cell.isNumber() ? cell.asDouble() : Double.NaN;
                if (v != 1 && v != -1 && v != 0) {
                    throw new UserError(shape + " has " + cell + " at row " + (r + 1) + ", column " + (c + 1) + "; cells must be 1, -1 or 0");
                }
                values[r * cols + c] = (float) v;
            }
        }
        return new Term(word, rows, cols, values);
    }

    /** The score column of each term's word; an unknown word is one sentence with a did-you-mean. */
    public int[] columns(List<String> labels) {
        int[] out = new int[terms.size()];
        for (int i = 0; i < terms.size(); i++) {
            String word = terms.get(i).word();
            out[i] = labels.indexOf(word);
            if (out[i] < 0) {
                throw new UserError("query " + source + " asks for '" + word + "', which is not one of the " + labels.size()
                        + " scored labels" + Suggestions.didYouMean(word, labels));
            }
        }
        return out;
    }
}
