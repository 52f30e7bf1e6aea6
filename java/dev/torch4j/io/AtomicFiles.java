package dev.torch4j.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file through a temporary sibling and a rename, so readers never see half a file and a crash leaves the
 * old file or the new one. The temporary file is named {@code .NAME.PID.RANDOM.tmp}: one left by a process that
 * died is removed by the next write of the same file (see {@link #removeStale}). Files get the ordinary
 * permissions of a new file (0644 under the usual umask).
 */
public final class AtomicFiles {
    /** Writes the content into the given temporary path. */
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private static final long PID = ProcessHandle.current().pid();

    private AtomicFiles() {}

    public static void write(Path file, Writer writer) {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            if (dir != null) Files.createDirectories(dir);
            removeStale(abs);
            tmp = newTemp(abs);
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // removed by the next write of this file
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8, atomically. */
    public static void writeString(Path file, String text) {
        write(file, tmp -> Files.writeString(tmp, text));
    }

    /**
     * A new temporary sibling of {@code file} for a caller that writes and renames it itself (a download): stale
     * ones of dead processes are removed first.
     */
    public static Path newTempFor(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) Files.createDirectories(abs.getParent());
        removeStale(abs);
        return newTemp(abs);
    }

    private static Path newTemp(Path abs) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + PID + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp); // default attributes: the umask decides, as for any new file
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }


    /**
     * Removes the temporary files of {@code file} whose writing process is gone (killed in the middle of a write);
     * those of live processes are left alone.
     */
    public static void removeStale(Path file) {
        Path abs = file.toAbsolutePath();
        if (abs.getParent() != null) removeStaleIn(abs.getParent(), abs.getFileName().toString());
    }

    /** {@link #removeStale} for every file of {@code dir} whose name starts with {@code namePrefix}. */
    public static void removeStaleIn(Path dir, String namePrefix) {
        if (!Files.isDirectory(dir)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "." + globEscape(namePrefix) + "*.tmp")) {
            for (Path p : ds) {
                // .NAME.PID.RANDOM.tmp: the PID is the third dot-separated field from the end
                String[] parts = p.getFileName().toString().split("\\.");
                if (parts.length < 4) continue;
                long pid;
                try {
                    pid = Long.parseLong(parts[parts.length - 3]);
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                boolean writerAlive = pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!writerAlive) Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: a stale temporary file only takes space
        }
    }

    private static String globEscape(String s) {
        return s.replaceAll("([\\\\*?\\[\\]{}])", "\\\\$1");
    }

    /** Makes a rename in {@code dir} durable (where the platform allows opening a directory). */
    static void syncDirectory(Path dir) {
        if (dir == null) return;
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory; the rename is still atomic there
        }
    }
}
