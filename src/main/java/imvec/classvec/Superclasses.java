package imvec.classvec;

import imvec.data.Cifar100Set;
import imvec.data.Image;
import imvec.data.ImageSet;
import imvec.util.Suggestions;
import imvec.util.UserError;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CIFAR-100 restricted to the fine classes of one superclass, as Im2Vec's paper trains on, e.g.
 * {@code large carnivores}: bear, leopard, lion, tiger, wolf (labels renumbered 0 … 4).
 */
public final class Superclasses {
    private Superclasses() {
    }

    /** The superclass names of {@code set}, as written in its label-names file. */
    public static List<String> names(ImageSet set) {
        return cifar100(set, "any").coarseClasses();
    }

    /** Index of {@code name} among the superclasses; spaces and '_' are alike, case is ignored. */
    public static int index(ImageSet set, String name) {
        List<String> coarse = cifar100(set, name).coarseClasses();
        String want = key(name);
        for (int i = 0; i < coarse.size(); i++) if (key(coarse.get(i)).equals(want)) return i;
        throw new UserError("'" + name + "' is not a CIFAR-100 superclass" + Suggestions.didYouMean(name, coarse)
                + " (the 20 are " + String.join(", ", coarse) + ", or 'all').");
    }

    /** The images of superclass {@code coarse}, labelled by their fine class among its members. */
    public static ImageSet of(ImageSet set, int coarse) {
        Cifar100Set c = cifar100(set, String.valueOf(coarse));
        int[] fine = c.fineLabelsOf(coarse);
        if (fine.length == 0) throw new UserError(set.spec() + " holds no image of superclass " + c.coarseClasses().get(coarse) + ".");
        int[] newLabel = new int[c.classes().size()];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < fine.length; i++) {
            newLabel[fine[i]] = i;
            names.add(c.classes().get(fine[i]));
        }
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) if (c.coarseLabel(i) == coarse) rows.add(i);
        int[] index = rows.stream().mapToInt(Integer::intValue).toArray();
        String spec = c.spec() + "#superclass=" + c.coarseClasses().get(coarse);
        List<String> classes = List.copyOf(names);
        return new ImageSet() {
            public String spec() {
                return spec;
            }

            public int size() {
                return index.length;
            }

            public List<String> classes() {
                return classes;
            }

            public int label(int i) {
                return newLabel[c.label(index[i])];
            }

            public String id(int i) {
                return c.id(index[i]);
            }

            public Image read(int i) throws IOException {
                return c.read(index[i]);
            }
        };
    }

    private static Cifar100Set cifar100(ImageSet set, String name) {
        if (set instanceof Cifar100Set c) return c;
        throw new UserError("--superclass " + name + " needs CIFAR-100 with fine labels (cifar100-binary:DIR), not " + set.spec() + ".");
    }

    private static String key(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s_]+", "_");
    }
}
