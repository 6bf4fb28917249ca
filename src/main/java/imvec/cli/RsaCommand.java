package imvec.cli;

import imvec.classvec.CosineRsa;
import imvec.classvec.Word2VecText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rsa", description = "RSA of two vector files: Spearman correlation of their cosine matrices over shared names.")
final class RsaCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Option(names = "--a", required = true, description = "First vector file (word2vec/GloVe text).")
    Path a;

    @Option(names = "--b", required = true, description = "Second vector file (word2vec/GloVe text).")
    Path b;

    @Override
    public Integer call() {
        CosineRsa.Result r = CosineRsa.compare(Word2VecText.read(a), Word2VecText.read(b));
        if (common.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("a", a.toString());
            m.put("b", b.toString());
            m.put("spearman", r.spearman());
            m.put("shared", r.shared());
            m.put("pairs", r.pairs());
            m.put("only_a", r.onlyA().size() <= 50 ? r.onlyA() : r.onlyA().size());
            m.put("only_b", r.onlyB().size() <= 50 ? r.onlyB() : r.onlyB().size());
            common.printJson(m);
            return 0;
        }
        System.out.printf(Locale.ROOT, "RSA (Spearman of cosine similarities) of %s and %s: %.4f over %d shared names (%d pairs).%n",
                a, b, r.spearman(), r.shared().size(), r.pairs());
        if (!r.onlyA().isEmpty()) System.out.println("  only in a: " + preview(r.onlyA()));
        if (!r.onlyB().isEmpty()) System.out.println("  only in b: " + preview(r.onlyB()));
        return 0;
    }

    private static String preview(java.util.List<String> names) {
        return names.size() <= 20 ? String.join(", ", names) : String.join(", ", names.subList(0, 20)) + ", … (" + names.size() + ")";
    }
}
