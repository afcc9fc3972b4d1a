package org.jvisor.machine.devices.ata;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw disk image: a file of 512-byte sectors, sector n at byte offset 512n. Writes go
 * straight to the file (the host's page cache plays the drive's write cache);
 * {@link #flush()} forces them to the storage device, as does {@link #close()}.
 *
 * <p>An image is locked while open, as QEMU does, so two writers cannot corrupt it: a
 * writable image takes an exclusive lock, a read-only one a shared lock. A second open of
 * a writable image is refused; read-only opens of the same file inside one JVM (several VMs
 * sharing a base image) are allowed. Filesystems without locking are used unlocked.
 */
public final class DiskImage implements AutoCloseable {
    private final Path path;
    private final FileChannel file;
    private final boolean readOnly;
    private final long sectors;

    private DiskImage(Path path, FileChannel file, boolean readOnly, long sectors) {
        this.path = path;
        this.file = file;
        this.readOnly = readOnly;
        this.sectors = sectors;
    }

    /**
     * Opens an image. @throws DiskImageException if the file cannot be opened (for writing,
     * unless read-only), is empty, or its size is not a multiple of 512 bytes
     */
    public static DiskImage open(Path path, boolean readOnly) {
        if (Files.isDirectory(path)) throw new DiskImageException("disk image " + path + ": cannot open (a directory)");
        FileChannel file;
        try {
            file = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new DiskImageException("disk image " + path + ": cannot open" + (readOnly ? "" : " for writing")
                    + " (" + reason(e) + ")");
        }
        try {
            long size = file.size();
            if (size == 0) throw new DiskImageException("disk image " + path + ": file is empty");
            if (size % Ata.SECTOR != 0) {
                throw new DiskImageException("disk image " + path + ": size " + size
                        + " bytes is not a multiple of 512");
            }
            lock(path, file, readOnly);
            return new DiskImage(path, file, readOnly, size / Ata.SECTOR);
        } catch (IOException e) {
            closeQuietly(file);
            throw new DiskImageException("disk image " + path + ": cannot read size (" + reason(e) + ")");
        } catch (DiskImageException e) {
            closeQuietly(file);
            throw e;
        }
    }

    private static void lock(Path path, FileChannel file, boolean readOnly) {
        FileLock lock;
        try {
            lock = file.tryLock(0, Long.MAX_VALUE, readOnly);
        } catch (OverlappingFileLockException e) {
            if (readOnly) return;  // another reader in this JVM; a writer here would hold an exclusive lock
            lock = null;
        } catch (IOException e) {
            return;  // no locking on this filesystem
        }
        if (lock == null) {
            throw new DiskImageException("disk image " + path + ": in use (locked by another "
                    + (readOnly ? "writer)" : "user)"));
        }
    }

    public Path path() {
        return path;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** Capacity in 512-byte sectors. */
    public long sectors() {
        return sectors;
    }

    /** Reads {@code count} sectors starting at {@code sector} into {@code buf} at {@code offset}. */
    public void read(long sector, byte[] buf, int offset, int count) throws IOException {
        checkRange(sector, count);
        ByteBuffer b = ByteBuffer.wrap(buf, offset, count * Ata.SECTOR);
        long pos = sector * Ata.SECTOR;
        while (b.hasRemaining()) {
            int n = file.read(b, pos);
            if (n < 0) throw new EOFException(path + ": image shrank under the disk");
            pos += n;
        }
    }

    /** Writes {@code count} sectors from {@code buf} at {@code offset} to the image at {@code sector}. */
    public void write(long sector, byte[] buf, int offset, int count) throws IOException {
        if (readOnly) throw new IOException(path + ": image is read-only");
        checkRange(sector, count);
        ByteBuffer b = ByteBuffer.wrap(buf, offset, count * Ata.SECTOR);
        long pos = sector * Ata.SECTOR;
        while (b.hasRemaining()) pos += file.write(b, pos);
    }

    /** Forces written data to the storage device (FLUSH CACHE). */
    public void flush() throws IOException {
        if (!readOnly) file.force(false);
    }

    /** Flushes and closes; a failure to flush is reported as a one-line exception after closing. */
    @Override
    public void close() {
        IOException failure = null;
        try {
            flush();
        } catch (IOException e) {
            failure = e;
        }
        closeQuietly(file);
        if (failure != null) throw new DiskImageException("disk image " + path + ": flush on close failed ("
                + reason(failure) + ")");
    }

    private void checkRange(long sector, int count) throws IOException {
        if (sector < 0 || count < 0 || sector + count > sectors) {
            throw new IOException(path + ": sectors " + sector + "+" + count + " outside the image");
        }
    }

    /** A short cause without repeating the path the message already names. */
    private static String reason(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file";
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason();
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    private static void closeQuietly(FileChannel f) {
        try {
            f.close();
        } catch (IOException ignored) {
            // nothing more can be done for a file being abandoned
        }
    }
}
