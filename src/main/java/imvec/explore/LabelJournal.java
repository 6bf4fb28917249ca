package imvec.explore;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import imvec.store.AtomicFiles;
import imvec.util.UserError;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The labels a person gives images in the explorer. Every change is one JSON line appended to
 * {@code labels.journal} and forced to disk before it is acknowledged; {@code labels.csv}
 * ({@code path,label}, the form {@code --labels} takes) is then rewritten atomically from the
 * journal. A kill during a write leaves at most a torn last line, which {@link #open} drops, so
 * only the change being written is lost. Writers are serialised, within this process by the
 * monitor and across processes by a file lock, so changes from two tabs at once both land.
 */
public final class LabelJournal {
    public static final String JOURNAL = "labels.journal";
    public static final String CSV = "labels.csv";
    /** 1–64 characters: letters, digits, space, '_', '-', '.', starting with a letter or digit; no commas or quotes. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} _.\\-]{0,63}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One journal line: {@code set} gives {@code ids} the {@code label} (empty clears it); {@code undo} cancels op {@code target}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Op(@JsonProperty("seq") long seq, @JsonProperty("op") String op, @JsonProperty("label") String label,
                     @JsonProperty("ids") List<String> ids, @JsonProperty("target") Long target,
                     @JsonProperty("time") String time) {
    }

    /** What a change did: its sequence number and the labels' counts after it. */
    public record Change(long seq, String op, String label, int images, Map<String, Integer> counts) {
    }

    private final Path journal;
    private final Path csv;
    private final Set<String> knownIds;
    private final List<Op> ops = new ArrayList<>();
    private final Set<Long> undone = new HashSet<>();
    private final Map<String, String> byId = new HashMap<>();
    private long nextSeq = 1;
    private int dropped;

    private LabelJournal(Path dir, Collection<String> ids) {
        this.journal = dir.resolve(JOURNAL);
        this.csv = dir.resolve(CSV);
        this.knownIds = new HashSet<>(ids);
    }

    /** Opens (or starts) the journal in {@code dir}; only {@code ids} may be labelled. */
    public static LabelJournal open(Path dir, Collection<String> ids) {
        LabelJournal j = new LabelJournal(dir, ids);
        try {
            j.reload();
        } catch (IOException e) {
            throw new UserError("cannot read the labels journal " + j.journal + ": " + e.getMessage(), e);
        }
        return j;
    }

    /** Throws unless {@code label} is a usable label name; the empty string means "no label". */
    public static String checkName(String label) {
        if (label == null) throw new UserError("give a label name.");
        if (label.isEmpty()) return label;
        if (!NAME.matcher(label).matches() || label.endsWith(" ")) {
            throw new UserError("'" + label + "' is not a label name: use 1 to 64 letters, digits, spaces, '_', '-' or '.', "
                    + "starting with a letter or digit.");
        }
        return label;
    }

    private void reload() throws IOException {
        if (!Files.exists(journal)) return;
        byte[] bytes = Files.readAllBytes(journal);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        if (end < bytes.length) {
            // A torn last line: the write a kill interrupted. Cut it off so appends start clean.
            dropped++;
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                ch.truncate(end);
                ch.force(true);
            }
        }
        for (String line : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            try {
                Op op = JSON.readValue(line, Op.class);
                // A line that parses but is no change (`null`, ids with holes) was not written by us: skip it as unreadable.
                if (op == null || op.op() == null || (op.ids() != null && op.ids().contains(null))) {
                    dropped++;
                    continue;
                }
                record(op);
            } catch (IOException e) {
                dropped++;
            }
        }
        rebuild();
    }

    private void record(Op op) {
        ops.add(op);
        if ("undo".equals(op.op()) && op.target() != null) undone.add(op.target());
        nextSeq = Math.max(nextSeq, op.seq() + 1);
    }

    private void rebuild() {
        byId.clear();
        for (Op op : ops) {
            if (!"set".equals(op.op()) || undone.contains(op.seq()) || op.ids() == null) continue;
            for (String id : op.ids()) {
                if (op.label() == null || op.label().isEmpty()) byId.remove(id);
                else byId.put(id, op.label());
            }
        }
    }

    /** Gives {@code ids} the label (empty clears theirs), on disk before this returns. */
    public synchronized Change set(String label, List<String> ids) {
        checkName(label);
        if (ids.isEmpty()) throw new UserError("select at least one image to label.");
        for (String id : ids) {
            if (!knownIds.contains(id)) throw new UserError("no image '" + id + "' in this run.");
        }
        Op op = new Op(nextSeq, "set", label, List.copyOf(ids), null, Instant.now().toString());
        append(op);
        return new Change(op.seq(), "set", label, ids.size(), counts());
    }

    /** Cancels the latest change not yet undone; throws when there is none. */
    public synchronized Change undo() {
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op o = ops.get(i);
            if ("set".equals(o.op()) && !undone.contains(o.seq())) {
                Op op = new Op(nextSeq, "undo", null, null, o.seq(), Instant.now().toString());
                append(op);
                return new Change(op.seq(), "undo", o.label(), o.ids().size(), counts());
            }
        }
        throw new UserError("there is nothing to undo.");
    }

    private void append(Op op) {
        try {
            byte[] line = (JSON.writeValueAsString(op) + "\n").getBytes(StandardCharsets.UTF_8);
            Files.createDirectories(journal.toAbsolutePath().getParent());
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND); FileLock ignored = ch.lock()) {
                ByteBuffer b = ByteBuffer.wrap(line);
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            record(op);
            rebuild();
            writeCsv();
        } catch (IOException e) {
            throw new UserError("cannot write the labels journal " + journal + ": " + e.getMessage(), e);
        }
    }

    private void writeCsv() throws IOException {
        StringBuilder s = new StringBuilder("path,label\n");
        for (Map.Entry<String, String> e : new TreeMap<>(byId).entrySet()) {
            s.append(csvField(e.getKey())).append(',').append(csvField(e.getValue())).append('\n');
        }
        AtomicFiles.writeString(csv, s.toString());
    }

    static String csvField(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.strip().equals(v)) return v;
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    /** Images per label, names in order. */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> c = new TreeMap<>();
        for (String l : byId.values()) c.merge(l, 1, Integer::sum);
        return c;
    }

    /** The label of every labelled image. */
    public synchronized Map<String, String> labels() {
        return new HashMap<>(byId);
    }

    /** Lines dropped when the journal was opened (a torn last line after a kill, or damage). */
    public int dropped() {
        return dropped;
    }

    public Path journalFile() {
        return journal;
    }

    public Path csvFile() {
        return csv;
    }
}
