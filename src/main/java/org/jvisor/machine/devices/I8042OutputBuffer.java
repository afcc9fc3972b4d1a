package org.jvisor.machine.devices;

/**
 * The 8042's output buffer (port 0x60 read) and what feeds it: the controller's own replies,
 * which go first, then the keyboard's bytes, translated from set 2 to set 1 when the command
 * byte asks. Each byte carries the status bits that describe it (AUXB, timeout, parity).
 */
final class I8042OutputBuffer {
    private static final int REPLIES = 16;
    private final int[] replies = new int[REPLIES]; // byte | status flags << 8
    private int head, count;
    private boolean full;
    private int data, flags;
    private boolean breakPrefix; // translation swallowed a set 2 0xF0 and sets bit 7 of the next code

    void clear() {
        head = count = 0;
        full = false;
        flags = 0;
        breakPrefix = false;
    }

    boolean full() {
        return full;
    }

    /** The byte in the buffer, or the stale last one once read. */
    int data() {
        return data;
    }

    /** Status bits of the byte in the buffer (AUXB, timeout, parity). */
    int flags() {
        return flags;
    }

    void empty() {
        full = false;
    }

    void queue(int b, int statusFlags) {
        if (count == REPLIES) return; // a driver never stacks this many unread replies
        replies[(head + count++) % REPLIES] = (b & 0xFF) | statusFlags << 8;
    }

    /** Loads the next byte into an empty buffer: a controller reply, else keyboard data if enabled. */
    void fill(Ps2Keyboard keyboard, boolean keyboardEnabled, boolean translate) {
        if (count > 0) {
            int e = replies[head];
            head = (head + 1) % REPLIES;
            count--;
            load(e & 0xFF, e >>> 8);
            return;
        }
        while (keyboardEnabled && keyboard.hasData()) {
            int b = keyboard.take();
            if (!translate) {
                load(b, 0);
                return;
            }
            if (b == 0xF0) { // break prefix: not passed on, it marks the next code
                breakPrefix = true;
                continue;
            }
            load(ScancodeTranslation.toSet1(b) | (breakPrefix ? 0x80 : 0), 0);
            breakPrefix = false;
            return;
        }
    }

    private void load(int b, int statusFlags) {
        data = b;
        flags = statusFlags;
        full = true;
    }
}
