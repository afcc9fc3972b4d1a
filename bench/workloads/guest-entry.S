/* Guest entry for bench workloads: flat 32-bit protected mode, loaded at 1 MiB. The round
 * count is patched at offset 8 (see ROUNDS); the checksum is left in EAX, then HLT. */
    .text
    .globl _start
_start:
    jmp 1f
    .p2align 3
ROUNDS:
    .long 1
1:
    movl $0x00f00000, %esp
    pushl ROUNDS
    call workload
    addl $4, %esp
    hlt
