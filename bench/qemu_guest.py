#!/usr/bin/env python3
"""The qemu side of bench/linux-boot: boots the guest under qemu-system-i386 (TCG) and times it.

Usage: bench/qemu_guest.py KERNEL INITRD CMDLINE BOOTS RUNS TIMEOUT_S [NAME COMMAND]...

Starts  qemu-system-i386 -accel tcg -cpu pentium2 -m 128 -nographic -no-reboot
        -kernel KERNEL -initrd INITRD -append CMDLINE
BOOTS times with the serial console on pipes, and times each from the start of the qemu process
to the first `jvisor# ` prompt. In the last boot it runs `dmesg -n 1` (untimed), then types each
workload COMMAND RUNS times, timing it from sending the line to the next prompt. Prints the same
lines as bench/LinuxBench.java (nanoseconds):
    boot NANOS...  /  work NAME NANOS...  /  output NAME TEXT
Exits 1 with a message when the guest does not reach a prompt in time, 2 when qemu is missing.
"""
import os
import shutil
import subprocess
import sys
import threading
import time

PROMPT = "jvisor# "
NAME = "linux-boot: qemu"


class Guest:
    """One qemu process; a reader thread collects everything its serial console prints."""

    def __init__(self, qemu, kernel, initrd, cmdline):
        cmd = [qemu, "-accel", "tcg", "-cpu", "pentium2", "-m", "128", "-nographic", "-no-reboot",
               "-kernel", kernel, "-initrd", initrd, "-append", cmdline]
        self.start = time.monotonic_ns()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self.text = ""
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        while True:
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                break
            with self.lock:
                self.text += chunk.decode("latin-1").replace("\r", "")
                self.lock.notify_all()
        with self.lock:
            self.lock.notify_all()

    def wait_for(self, text, start, timeout, what):
        """Returns the offset just past text's first occurrence after start; exits on time-out."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while True:
                at = self.text.find(text, start)
                if at >= 0:
                    return at + len(text)
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    state = "exited" if self.proc.poll() is not None else "still running"
                    self.close()
                    fail(f"no {what} within {timeout:.0f} s (qemu {state}); last output:\n{self.text[-2000:]}")
                self.lock.wait(min(left, 0.5))

    def command(self, line, timeout):
        """Types a command line; returns its output without the echoed line and the next prompt."""
        with self.lock:
            start = len(self.text)
        self.proc.stdin.write((line + "\n").encode("latin-1"))
        self.proc.stdin.flush()
        echoed = self.wait_for("\n", start, timeout, f"echo of '{line}'")
        end = self.wait_for(PROMPT, echoed, timeout, f"prompt after '{line}'")
        with self.lock:
            return self.text[echoed:end - len(PROMPT)]

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def fail(message):
    print(f"{NAME}: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def escape(s):
    return s.replace("\\", "\\\\").replace("\n", "\\n")


def main(argv):
    kernel, initrd, cmdline = argv[0], argv[1], argv[2]
    boots, runs, timeout = int(argv[3]), int(argv[4]), float(argv[5])
    workloads = list(zip(argv[6::2], argv[7::2]))
    qemu = shutil.which("qemu-system-i386")
    if not qemu:
        print(f"{NAME}: qemu-system-i386 not found; install it with scripts/ensure-packages.sh "
              "(Debian package qemu-system-x86)", file=sys.stderr)
        return 2
    times = []
    guest = None
    for _ in range(boots):
        if guest:
            guest.close()
        guest = Guest(qemu, kernel, initrd, cmdline)
        guest.wait_for(PROMPT, 0, timeout, f"shell prompt after boot {len(times) + 1}")
        times.append(time.monotonic_ns() - guest.start)
    print("boot " + " ".join(map(str, times)), flush=True)
    guest.command("dmesg -n 1", timeout)  # kernel messages would mix with the workloads' output
    for name, line in workloads:
        times, output = [], None
        for run in range(runs):
            t0 = time.monotonic_ns()
            out = guest.command(line, timeout)
            times.append(time.monotonic_ns() - t0)
            if output is not None and out != output:
                guest.close()
                fail(f"workload {name} printed different text on run {run + 1}:\n{out}")
            output = out
        print(f"work {name} " + " ".join(map(str, times)), flush=True)
        print(f"output {name} {escape(output)}", flush=True)
    guest.close()
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
