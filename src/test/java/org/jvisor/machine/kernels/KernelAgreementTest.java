package org.jvisor.machine.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Layer 3 of the test plan: each bare-metal kernel runs under qemu-system-i386 (the
 * reference, a Pentium II) and in the model. qemu must pass every check; the model must
 * print the same serial output line for line and leave through the debug-exit port with
 * the same status. Checks where qemu departs from the SDM live in the modelonly kernel.
 */
class KernelAgreementTest {
    @BeforeAll
    static void build() throws Exception {
        Kernels.build();
    }

    @ParameterizedTest
    @ValueSource(strings = {"segmentation", "privilege", "tasks", "paging", "exceptions", "sensitive", "modes", "apic",
        "pic", "pit", "rtc", "lapic", "ioapic"})
    void modelAgreesWithQemu(String kernel) throws Exception {
        Kernels.Run qemu = Kernels.qemu(kernel);
        Kernels.assertAllPassed(qemu, "qemu");
        Kernels.Run model = Kernels.model(kernel);
        assertEquals(String.join("\n", qemu.lines()), String.join("\n", model.lines()),
                "serial output of " + kernel + " in the model vs qemu; model ended " + model.how());
        assertEquals(qemu.status(), model.status(), "exit status; model ended " + model.how());
    }
}
