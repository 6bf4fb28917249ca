package imvec.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import imvec.store.StagedDirectory;
import imvec.util.UserError;
import imvec.util.Version;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded split of a set's classes into seen (training) and unseen (zero-shot) classes, e.g.
 * ImageNet's 1000 into 800 seen and 200 unseen. Both lists keep the set's class order.
 */
public record ClassSplit(List<String> seen, List<String> unseen, long seed) {
    /** The file written last; it marks a directory as a split. */
    public static final String PROVENANCE = "split.json";

    /** Draws {@code unseenCount} of {@code classes} as unseen, the rest seen. */
    public static ClassSplit draw(List<String> classes, int unseenCount, long seed) {
        if (unseenCount < 1 || unseenCount >= classes.size()) {
            throw new UserError("--unseen must be between 1 and " + (classes.size() - 1) + " for a set of "
                    + classes.size() + " classes, not " + unseenCount);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) order.add(i);
        Collections.shuffle(order, new Random(seed));
        boolean[] unseen = new boolean[classes.size()];
        for (int i = 0; i < unseenCount; i++) unseen[order.get(i)] = true;
        List<String> s = new ArrayList<>(), u = new ArrayList<>();
        for (int i = 0; i < classes.size(); i++) (unseen[i] ? u : s).add(classes.get(i));
        return new ClassSplit(List.copyOf(s), List.copyOf(u), seed);
    }

    /** Writes {@code seen.txt}, {@code unseen.txt} and {@code split.json} into {@code out}, all at once. */
    public void write(Path out, String dataSpec) throws IOException {
        try (StagedDirectory staged = StagedDirectory.create(out, PROVENANCE)) {
            Path dir = staged.path();
            Files.writeString(dir.resolve("seen.txt"), String.join("\n", seen) + "\n", StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("unseen.txt"), String.join("\n", unseen) + "\n", StandardCharsets.UTF_8);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("imvec_version", Version.get());
            p.put("created", Instant.now().toString());
            p.put("kind", "seen/unseen class split");
            p.put("data", dataSpec);
            p.put("seed", seed);
            p.put("seen", seen.size());
            p.put("unseen", unseen.size());
            p.put("method", "java.util.Collections.shuffle with java.util.Random(seed); the first 'unseen' classes of the shuffle are unseen");
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve(PROVENANCE).toFile(), p);
            staged.commit();
        }
    }
}
