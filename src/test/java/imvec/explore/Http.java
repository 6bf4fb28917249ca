package imvec.explore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Raw HTTP/1.1 over a socket, so tests can send what a browser or attacker could and java.net.http
 * would not: any Host header, undecoded {@code ..} and {@code %2e%2e} in the path.
 */
final class Http {
    record Response(int status, String headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Http() {
    }

    static Response send(int port, String method, String target, String host, String extraHeaders, String body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
            if (host != null) req.append("Host: ").append(host).append("\r\n");
            req.append("Connection: close\r\n");
            if (extraHeaders != null) req.append(extraHeaders);
            if (body != null) req.append("Content-Type: application/json\r\nContent-Length: ").append(b.length).append("\r\n");
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            byte[] all = s.getInputStream().readAllBytes();
            return parse(all);
        }
    }

    private static Response parse(byte[] all) throws IOException {
        int split = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (split < 0) throw new IOException("no HTTP response head");
        String head = new String(all, 0, split, StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(head.substring(9, 12));
        byte[] rest = java.util.Arrays.copyOfRange(all, split + 4, all.length);
        if (head.toLowerCase().contains("transfer-encoding: chunked")) rest = dechunk(rest);
        return new Response(status, head, rest);
    }

    private static byte[] dechunk(byte[] in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream s = new java.io.ByteArrayInputStream(in);
        while (true) {
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = s.read()) != '\n') {
                if (c < 0) return out.toByteArray();
                if (c != '\r') line.append((char) c);
            }
            int size = Integer.parseInt(line.toString().split(";")[0].strip(), 16);
            if (size == 0) return out.toByteArray();
            out.write(s.readNBytes(size));
            s.read();
            s.read();
        }
    }

    private static int indexOf(byte[] a, byte[] pat) {
        outer:
        for (int i = 0; i + pat.length <= a.length; i++) {
            for (int j = 0; j < pat.length; j++) if (a[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }
}
