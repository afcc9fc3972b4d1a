package org.jvisor.machine.kernels;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The modelonly kernel holds SDM checks qemu TCG does not honour (data-segment limits,
 * #AC, INT1, #GP on unknown MSRs and reserved CR4 bits, global pages across CR3 reloads,
 * call gates into conforming code). It runs only in the model, where every check must pass.
 */
class ModelOnlyKernelTest {
    @BeforeAll
    static void build() throws Exception {
        Kernels.build();
    }

    @Test
    void modelPassesTheSdmChecksQemuSkips() throws Exception {
        Kernels.assertAllPassed(Kernels.model("modelonly"), "model");
    }
}
