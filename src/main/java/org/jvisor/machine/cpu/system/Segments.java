package org.jvisor.machine.cpu.system;

import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.Seg;

/**
 * Loading segment registers (SDM Vol. 3A 3.4.3, 5.4-5.6; Vol. 2 MOV, POP, LDS).
 * Placeholder: real-mode and virtual-8086 loads are exact; protected-mode loads read the
 * descriptor without the privilege and type checks (to be completed).
 */
public final class Segments {
    private Segments() { }

    /**
     * Loads a data or stack segment register (DS, ES, FS, GS, SS) as MOV/POP/LxS do,
     * raising #GP/#SS/#NP with the selector as error code where the SDM says so.
     */
    public static void load(Cpu cpu, int seg, int selector) {
        selector &= 0xFFFF;
        if (!cpu.isProtectedMode() || cpu.isV86()) {
            cpu.setSegment(seg, selector, selector << 4, cpu.segLimit[seg], cpu.segAr[seg] | Cpu.AR_P);
            return;
        }
        if ((selector & ~3) == 0) {
            cpu.setSegment(seg, selector, 0, 0, 0);
            return;
        }
        long d = Descriptors.read(cpu, selector);
        cpu.setSegment(seg, selector, Descriptors.base(d), Descriptors.limit(d), Descriptors.accessRights(d));
        if (seg == Seg.SS) cpu.interruptShadow = true;
    }
}
