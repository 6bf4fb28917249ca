package imvec.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Runtime sessions keyed by the set of tensors they output, least recently used evicted
 * beyond a capacity. Each session holds its own copy of the weights, so a long exploration
 * that taps many layer sets must not keep them all. A session is closed only once no run
 * holds a lease on it, so eviction by one thread never pulls a session from under another.
 */
final class SessionCache implements AutoCloseable {
    interface Factory {
        OrtSession create(List<String> outputs) throws OrtException;
    }

    /** A session held for one run; closing the lease releases it. */
    final class Lease implements AutoCloseable {
        private final Entry entry;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        OrtSession session() {
            return entry.session;
        }

        @Override
        public void close() {
            release(entry);
        }
    }

    private static final class Entry {
        final OrtSession session;
        int users;
        boolean evicted;

        Entry(OrtSession session) {
            this.session = session;
        }
    }

    private final Factory factory;
    private final int capacity;
    private final LinkedHashMap<Set<String>, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    SessionCache(Factory factory, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("session cache capacity must be at least 1, got " + capacity);
        this.factory = factory;
        this.capacity = capacity;
    }

    /**
     * The session for {@code outputs} (in the order given when it is first built), creating it
     * if needed. Creation happens under the lock: concurrent first uses of a layer set wait
     * rather than build duplicate sessions.
     */
    synchronized Lease acquire(List<String> outputs) throws OrtException {
        if (closed) throw new IllegalStateException("the model was closed");
        Set<String> key = Set.copyOf(outputs);
        Entry entry = entries.get(key);
        if (entry == null) {
            entry = new Entry(factory.create(outputs));
            entries.put(key, entry);
            evictBeyondCapacity();
        }
        entry.users++;
        return new Lease(entry);
    }

    synchronized int size() {
        return entries.size();
    }

    private synchronized void release(Entry entry) {
        entry.users--;
        if (entry.evicted && entry.users == 0) closeQuietly(entry.session);
    }

    private void evictBeyondCapacity() {
        Iterator<Map.Entry<Set<String>, Entry>> eldest = entries.entrySet().iterator();
        while (entries.size() > capacity) {
            Entry entry = eldest.next().getValue();
            eldest.remove();
            retire(entry);
        }
    }

    private void retire(Entry entry) {
        entry.evicted = true;
        if (entry.users == 0) closeQuietly(entry.session);
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<Entry> all = new ArrayList<>(entries.values());
        entries.clear();
        all.forEach(this::retire);
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing frees native memory; a failure here leaves nothing the caller could act on.
        }
    }
}
