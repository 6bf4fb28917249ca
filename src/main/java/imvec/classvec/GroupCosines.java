package imvec.classvec;

import imvec.util.Suggestions;
import imvec.util.UserError;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Mean cosine within and between named groups of classes, the summary Sustek &amp; Zboril give for
 * CIFAR-10 (vehicles against animals): entry (a, b) averages the cosine over pairs with one class
 * in group a and the other in group b, and the diagonal averages distinct pairs inside a group.
 */
public record GroupCosines(List<Group> groups, double[][] mean) {
    public record Group(String name, List<String> members, int[] indices) {
    }

    /**
     * Parses {@code name=a,b,c;name2=d,e} (names optional: {@code a,b;c,d} gives g1, g2) against
     * the table's names. A class may be in only one group, and every group needs a member.
     */
    public static List<Group> parse(String spec, List<String> names) {
        List<Group> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] parts = spec.split(";");
        for (int g = 0; g < parts.length; g++) {
            String part = parts[g].strip();
            if (part.isEmpty()) throw new UserError("group " + (g + 1) + " of '" + spec + "' is empty.");
            int eq = part.indexOf('=');
            String name = eq > 0 ? part.substring(0, eq).strip() : "g" + (g + 1);
            List<String> members = new ArrayList<>();
            List<Integer> idx = new ArrayList<>();
            for (String m : (eq >= 0 ? part.substring(eq + 1) : part).split(",")) {
                String member = m.strip();
                if (member.isEmpty()) continue;
                int i = indexOf(names, member);
                if (i < 0) throw new UserError("'" + member + "' in group " + name + " is not a class here" + Suggestions.didYouMean(member, names) + ".");
                if (!seen.add(names.get(i))) throw new UserError("'" + member + "' is in more than one group.");
                members.add(names.get(i));
                idx.add(i);
            }
            if (members.isEmpty()) throw new UserError("group " + name + " has no classes.");
            out.add(new Group(name, List.copyOf(members), idx.stream().mapToInt(Integer::intValue).toArray()));
        }
        return out;
    }

    /** Exact match first, then ignoring case and '_' against ' ', as vectors.txt writes names as tokens. */
    private static int indexOf(List<String> names, String member) {
        int i = names.indexOf(member);
        for (int j = 0; i < 0 && j < names.size(); j++) if (CosineRsa.key(names.get(j)).equals(CosineRsa.key(member))) i = j;
        return i;
    }

    public static GroupCosines of(CosineTable table, List<Group> groups) {
        double[][] m = new double[groups.size()][groups.size()];
        for (int a = 0; a < groups.size(); a++) {
            for (int b = 0; b < groups.size(); b++) m[a][b] = table.meanCosine(groups.get(a).indices(), groups.get(b).indices());
        }
        return new GroupCosines(List.copyOf(groups), m);
    }

    /** A Markdown matrix of the means; a one-class group's diagonal has no pairs and shows as –. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| mean cosine |");
        for (Group g : groups) sb.append(' ').append(g.name()).append(" |");
        sb.append("\n|---|").append("---|".repeat(groups.size())).append('\n');
        for (int a = 0; a < groups.size(); a++) {
            sb.append("| ").append(groups.get(a).name()).append(" (").append(String.join(", ", groups.get(a).members())).append(") |");
            for (int b = 0; b < groups.size(); b++) {
                sb.append(Double.isNaN(mean[a][b]) ? " – |" : String.format(Locale.ROOT, " %.3f |", mean[a][b]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
