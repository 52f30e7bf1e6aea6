package dev.torch4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Fetches one file over HTTP(S) into place: written to a temporary file beside the target, its digest checked,
 * then moved atomically, so a failed or damaged download never leaves a file that looks complete.
 * Progress is logged every few seconds for large files.
 */
public final class Download {
    private static final System.Logger LOG = System.getLogger(Download.class.getName()); // the application's logging receives it

    private Download() {}

    /**
     * Downloads {@code url} to {@code target} and checks that its {@code algorithm} digest ("MD5", "SHA-256")
     * starts with {@code expectedHexPrefix} (torchvision names files by the first 8 hex digits of their SHA-256).
     */
    public static void fetch(String url, Path target, String algorithm, String expectedHexPrefix) throws IOException {
        Files.createDirectories(target.toAbsolutePath().getParent());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();
        Path tmp = dev.torch4j.io.AtomicFiles.newTempFor(target);
        try {
            LOG.log(System.Logger.Level.INFO, "downloading " + url);
            HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new IOException(url + " answered HTTP " + r.statusCode());
            long total = r.headers().firstValueAsLong("Content-Length").orElse(-1);
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            try (InputStream in = r.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 16];
                long done = 0, lastReport = System.nanoTime();
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    digest.update(buf, 0, n);
                    done += n;
                    if (System.nanoTime() - lastReport > 5_000_000_000L) {
                        LOG.log(System.Logger.Level.INFO, String.format("%s: %d%s MB", target.getFileName(), done >> 20, total > 0 ? " of " + (total >> 20) : ""));
                        lastReport = System.nanoTime();
                    }
                }
            }
            String got = HexFormat.of().formatHex(digest.digest());
            if (!got.startsWith(expectedHexPrefix.toLowerCase(java.util.Locale.ROOT))) {
                throw new IOException(url + " has " + algorithm.toLowerCase(java.util.Locale.ROOT).replace("-", "") + " " + got + ", expected " + expectedHexPrefix
                        + (expectedHexPrefix.length() < got.length() ? "..." : "") + " (damaged or changed; not used)");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + url + " interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("unknown digest " + algorithm, e);
        } catch (IOException e) {
            throw e instanceof java.net.ConnectException || e.getMessage() == null ? new IOException(url + ": " + e, e) : e;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
