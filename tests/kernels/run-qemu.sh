#!/usr/bin/env bash
# Runs one test kernel under qemu-system-i386 as the reference machine (a Pentium II).
# Usage: tests/kernels/run-qemu.sh target/kernels/K.elf
# Exit status: qemu's isa-debug-exit gives 2v+1 for the value v written to port 0xf4.
exec qemu-system-i386 -cpu pentium2 -m 32 -display none -serial stdio -no-reboot \
    -kernel "$1" -device isa-debug-exit,iobase=0xf4,iosize=0x04
