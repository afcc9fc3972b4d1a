/* Multiboot 1 header and entry (Multiboot 0.6.96 section 3.1). */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000002          /* bit 1: ask for memory information */

        .section .multiboot, "a"
        .align 4
        .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

        .text
        .globl _start
_start:
        cli
        mov $stack_top, %esp
        push %ebx                    /* boot information address */
        push %eax                    /* 0x2BADB002 */
        call rt_init
        call kmain
        call summary_and_exit
1:      hlt
        jmp 1b

/* Exception/interrupt stubs: one 16-byte stub per vector; those that get no error code
   from the processor push a zero so every frame has the same layout. */
        .align 16
        .globl isr_stubs
isr_stubs:
        .set vec, 0
        .rept 256
        .align 16
        .if (vec == 8) || (vec == 10) || (vec == 11) || (vec == 12) || (vec == 13) || (vec == 14) || (vec == 17)
        nop
        nop
        .else
        pushl $0
        .endif
        pushl $vec
        jmp isr_common
        .set vec, vec + 1
        .endr

isr_common:
        pusha
        pushl %ds
        pushl %es
        pushl %fs
        pushl %gs
        mov $0x10, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %fs
        mov %ax, %gs
        push %esp
        call isr_dispatch
        add $4, %esp
        popl %gs
        popl %fs
        popl %es
        popl %ds
        popa
        add $8, %esp
        iret

/* setjmp/longjmp for fault recovery: ebx esi edi ebp esp eip. */
        .globl rt_setjmp
rt_setjmp:
        mov 4(%esp), %eax
        mov %ebx, 0(%eax)
        mov %esi, 4(%eax)
        mov %edi, 8(%eax)
        mov %ebp, 12(%eax)
        lea 4(%esp), %ecx
        mov %ecx, 16(%eax)
        mov (%esp), %ecx
        mov %ecx, 20(%eax)
        xor %eax, %eax
        ret

        .globl rt_longjmp
rt_longjmp:
        mov 4(%esp), %edx
        mov 8(%esp), %eax
        mov $0x10, %cx
        mov %cx, %ds
        mov %cx, %es
        mov %cx, %fs
        mov %cx, %gs
        mov %cx, %ss
        mov 0(%edx), %ebx
        mov 4(%edx), %esi
        mov 8(%edx), %edi
        mov 12(%edx), %ebp
        mov 16(%edx), %esp
        jmp *20(%edx)

/* Entered by IRET at an outer ring with EAX = function, EDX = data selector.
   Calls the function, then returns to ring 0 through INT 0x80. */
        .globl ring_trampoline
ring_trampoline:
        mov %dx, %ds
        mov %dx, %es
        mov %dx, %fs
        mov %dx, %gs
        call *%eax
        int $0x80
1:      jmp 1b

/* Enters ring n: rt_enter(eip_fn, cs, ss, esp, data_sel). */
        .globl rt_enter_ring
rt_enter_ring:
        mov 4(%esp), %eax            /* function */
        mov 20(%esp), %edx           /* data selector */
        pushl 12(%esp)               /* SS */
        pushl 20(%esp)               /* ESP (the arg moved by one push) */
        pushl rt_ring_eflags         /* EFLAGS for the outer ring */
        pushl 20(%esp)               /* CS */
        pushl $ring_trampoline
        iret

        .bss
        .align 16
        .space 16384
        .globl stack_top
stack_top:

        .section .note.GNU-stack, "", @progbits
