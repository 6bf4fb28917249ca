package imvec.cli;

import imvec.classvec.ClassVectors;
import imvec.classvec.CosineTable;
import imvec.classvec.GroupCosines;
import imvec.classvec.Word2VecText;
import imvec.util.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "cosine", description = "Ranked cosine-similarity table of a word2vec/GloVe text vector file.")
final class CosineCommand implements Callable<Integer> {
    /** Above this many vectors the full table is too big to print; ask for --names or --top. */
    static final int FULL_TABLE_LIMIT = 200;

    @Mixin
    Common common;

    @Option(names = "--vectors", required = true, description = "A vector file in word2vec text format (vectors.txt) or GloVe text.")
    Path vectors;

    @Option(names = "--names", split = ",", description = "Only these names (comma-separated).")
    List<String> names;

    @Option(names = "--top", defaultValue = "0", description = "Neighbours per name (default: all).")
    int top;

    @Option(names = "--groups", description = "Also the mean cosine within and between groups, e.g. "
            + "'vehicles=airplane,automobile,ship,truck;animals=bird,cat,deer,dog,frog,horse'.")
    String groups;

    @Override
    public Integer call() {
        ClassVectors v = Word2VecText.read(vectors);
        if (names != null) v = v.select(indices(v, names), v.source());
        if (v.size() < 2) throw new UserError(vectors + " gives " + v.size() + " vector; a cosine table needs at least 2.");
        if (v.size() > FULL_TABLE_LIMIT && top <= 0) {
            throw new UserError(vectors + " holds " + v.size() + " vectors; choose some with --names a,b,c or limit the table with --top K.");
        }
        CosineTable t = CosineTable.of(v);
        GroupCosines g = groups == null ? null : GroupCosines.of(t, GroupCosines.parse(groups, t.names()));
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("vectors", vectors.toString());
            out.put("names", t.names());
            if (v.size() <= FULL_TABLE_LIMIT) out.put("cosine", t.matrix());
            Map<String, Object> ranked = new LinkedHashMap<>();
            for (int i = 0; i < t.size(); i++) {
                List<CosineTable.Neighbour> r = t.ranked(i);
                ranked.put(t.names().get(i), (top > 0 ? r.subList(0, Math.min(top, r.size())) : r).stream()
                        .map(nb -> Map.of("name", nb.name(), "cosine", nb.cosine())).toList());
            }
            out.put("ranked", ranked);
            if (g != null) {
                out.put("groups", g.groups().stream().map(x -> Map.of("name", x.name(), "members", x.members())).toList());
                out.put("group_mean_cosine", g.mean());
            }
            common.printJson(out);
            return 0;
        }
        System.out.print(t.markdown(top));
        if (g != null) System.out.print("\n" + g.markdown());
        return 0;
    }

    static int[] indices(ClassVectors v, List<String> wanted) {
        Map<String, Integer> index = v.index();
        List<Integer> out = new ArrayList<>();
        for (String w : wanted) {
            Integer i = index.get(w.strip());
            if (i == null) i = index.get(ClassVectors.token(w));
            if (i == null) throw new UserError("'" + w + "' is not in " + v.source() + imvec.util.Suggestions.didYouMean(w, index.keySet()) + ".");
            out.add(i);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
