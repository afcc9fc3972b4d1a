package org.jvisor.boot;

/** Bounds-checked little-endian reads from an image; out of range is a BootException. */
final class Bytes {
    private final byte[] data;
    private final String what;

    Bytes(byte[] data, String what) {
        this.data = data;
        this.what = what;
    }

    int length() {
        return data.length;
    }

    byte[] array() {
        return data;
    }

    int u8(long at) {
        need(at, 1);
        return data[(int) at] & 0xFF;
    }

    int u16(long at) {
        need(at, 2);
        return (data[(int) at] & 0xFF) | (data[(int) at + 1] & 0xFF) << 8;
    }

    int u32(long at) {
        need(at, 4);
        int i = (int) at;
        return (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | (data[i + 3] & 0xFF) << 24;
    }

    /** Fails unless [at, at+length) lies inside the image. */
    void need(long at, long length) {
        if (at < 0 || length < 0 || at + length > data.length) {
            throw new BootException(String.format("%s: %d bytes at offset %#x lie beyond its end (%d bytes)",
                    what, length, at, data.length));
        }
    }
}
