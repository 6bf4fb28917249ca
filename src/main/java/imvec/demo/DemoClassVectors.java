package imvec.demo;

import imvec.classvec.ConfusionPairs;
import imvec.classvec.ConfusionSkipGram;
import imvec.classvec.CosineTable;
import imvec.classvec.GroupCosines;
import imvec.classvec.Im2Vec;
import imvec.classvec.Im2VecJob;
import imvec.data.DataSpecs;
import imvec.report.ClassVectorReport;
import imvec.report.HtmlReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's class-vector sections: confusion vectors from the CNN's top-3 predictions on the test
 * set (Sustek &amp; Zboril) and Im2Vec on the pixels (a few epochs), each with its ranked cosine
 * table and labelled PCA plots.
 */
final class DemoClassVectors {
    static final int IM2VEC_EPOCHS = 5;

    private final ClassVectorReport.Written confusion;
    private final ClassVectorReport.Written im2vec;
    private final double im2vecTestAccuracy;
    private final String im2vecInverse;

    private DemoClassVectors(ClassVectorReport.Written confusion, ClassVectorReport.Written im2vec,
                             double im2vecTestAccuracy, String im2vecInverse) {
        this.confusion = confusion;
        this.im2vec = im2vec;
        this.im2vecTestAccuracy = im2vecTestAccuracy;
        this.im2vecInverse = im2vecInverse;
    }

    static DemoClassVectors run(Path out, Path run, int seed, Demo.Listener listener) throws IOException {
        listener.stage("confusion vectors from the CNN's top-3 predictions");
        ConfusionSkipGram sg = ConfusionSkipGram.builder().optSeed(seed).build();
        ConfusionPairs pairs = ConfusionPairs.fromRun(run, 3);
        ConfusionSkipGram.Result c = sg.train(pairs);
        Map<String, Object> cs = new LinkedHashMap<>();
        cs.put("method", "confusion skip-gram");
        cs.put("run", run.toString());
        cs.put("top", 3);
        cs.put("pairs", c.pairs());
        cs.put("dim", sg.dims());
        cs.put("seed", seed);
        ClassVectorReport.Written cw = ClassVectorReport.write(out.resolve("confusion"), c.vectors(), "confusion vectors (fm-cnn)", "confusion.json", cs);

        listener.stage("Im2Vec on fashion-mnist:train (" + IM2VEC_EPOCHS + " epochs)");
        Im2Vec im = Im2Vec.builder().optEpochs(IM2VEC_EPOCHS).optSeed(seed)
                .optListener(e -> listener.progress(e.epoch(), IM2VEC_EPOCHS)).build();
        Im2VecJob.Result r = Im2VecJob.run(DataSpecs.open("fashion-mnist:train", null), DataSpecs.open("fashion-mnist:test", null), im, null);
        Map<String, Object> is = new LinkedHashMap<>();
        is.put("method", "im2vec");
        is.put("epochs", IM2VEC_EPOCHS);
        is.put("inverse", r.im2vec().inverse().method());
        is.put("train_accuracy", r.im2vec().trainAccuracy());
        is.put("test_accuracy", r.im2vec().testAccuracy());
        is.put("seed", seed);
        ClassVectorReport.Written iw = ClassVectorReport.write(out.resolve("im2vec"), r.im2vec().vectors(), "Im2Vec (Fashion-MNIST pixels)", "im2vec.json", is);
        return new DemoClassVectors(cw, iw, r.im2vec().testAccuracy(), r.im2vec().inverse().method());
    }

    void addTo(HtmlReport r) {
        r.section("Which classes the CNN confuses: confusion vectors");
        r.paragraph("Each test image of true class t and each of the CNN's top-3 predicted classes p give a pair (t, p); "
                + "a skip-gram model with 5 dimensions learns a vector per class from these pairs (Sustek & Zboril). "
                + "Each row lists the other classes by descending cosine similarity.");
        table(r, confusion.table());
        groups(r, confusion.table());
        r.figures(List.of("confusion/cosine.png", "confusion/pca-normalised.png"),
                List.of("cosine similarity of confusion vectors", "PCA of the L2-normalised confusion vectors"));
        r.section("Im2Vec: class vectors from a linear net on pixels");
        r.paragraph(String.format(Locale.ROOT, "A two-layer linear network (784 → 10 → 10, no activation) trained for %d epochs with the "
                + "paper's SGD settings reaches %.4f test accuracy; class c's vector is W2⁻¹ e_c (%s). "
                + "Softmax ignores a constant added to every logit, so W2 has one nearly untrained direction; its tiny singular "
                + "value gives all raw Im2Vec vectors a large shared component, which inflates their cosines "
                + "(imvec im2vec --rcond drops it). The PCA plots centre the vectors first.",
                IM2VEC_EPOCHS, im2vecTestAccuracy, im2vecInverse));
        table(r, im2vec.table());
        groups(r, im2vec.table());
        r.figures(List.of("im2vec/pca-raw.png", "im2vec/pca-normalised.png"),
                List.of("PCA of the Im2Vec class vectors", "PCA of the L2-normalised Im2Vec class vectors"));
    }

    /** Fashion-MNIST's garment groups, to see whether footwear and upper-body clothes stay together. */
    static final String GARMENT_GROUPS = "footwear=Sandal,Sneaker,Ankle boot;tops=T-shirt/top,Pullover,Coat,Shirt;others=Trouser,Dress,Bag";

    private static void groups(HtmlReport r, CosineTable t) {
        GroupCosines g = GroupCosines.of(t, GroupCosines.parse(GARMENT_GROUPS, t.names()));
        List<List<String>> rows = new ArrayList<>();
        for (int a = 0; a < g.groups().size(); a++) {
            List<String> row = new ArrayList<>(List.of(g.groups().get(a).name() + " (" + String.join(", ", g.groups().get(a).members()) + ")"));
            for (double m : g.mean()[a]) row.add(String.format(Locale.ROOT, "%.3f", m));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("mean cosine"));
        g.groups().forEach(x -> header.add(x.name()));
        r.table(header, rows);
    }

    private static void table(HtmlReport r, CosineTable t) {
        List<List<String>> rows = new ArrayList<>();
        int k = Math.min(3, t.size() - 1);
        for (int i = 0; i < t.size(); i++) {
            List<String> row = new ArrayList<>();
            row.add(t.names().get(i));
            for (CosineTable.Neighbour nb : t.ranked(i).subList(0, k)) row.add(String.format(Locale.ROOT, "%s (%.2f)", nb.name(), nb.cosine()));
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("class"));
        for (int j = 1; j <= k; j++) header.add("nearest " + j);
        r.table(header, rows);
    }
}
