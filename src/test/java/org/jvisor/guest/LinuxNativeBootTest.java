package org.jvisor.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.jvisor.machine.Pc;
import org.junit.jupiter.api.Test;

/**
 * The bundled Linux boots bare on the simulated PC (native mode) to its shell, runs the
 * commands of issue 3, and powers off; each output is checked.
 */
class LinuxNativeBootTest {
    private static final Duration BOOT = Duration.ofMinutes(4), COMMAND = Duration.ofMinutes(2);

    @Test
    void bootsToShellRunsCommandsAndPowersOff() throws Exception {
        try (GuestSession guest = new GuestSession(128 << 20, "console=ttyS0 panic=-1")) {
            guest.await(GuestSession.PROMPT, 0, BOOT);
            String boot = guest.pc().serialOutput();
            assertTrue(boot.contains("Linux version 6.1"), "kernel banner");
            assertTrue(boot.contains("ttyS0 at I/O 0x3f8 (irq = 4"), "the 8250 driver found COM1 with its IRQ");

            String uname = guest.command("uname -a", COMMAND);
            assertTrue(uname.startsWith("Linux jvisor 6.1."), uname);
            assertTrue(uname.contains(" i686 "), uname);

            String cpuinfo = guest.command("cat /proc/cpuinfo", COMMAND);
            assertTrue(cpuinfo.contains("GenuineIntel"), cpuinfo);
            assertTrue(cpuinfo.contains("cpu family\t: 6"), cpuinfo);
            String flags = cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst().orElse("");
            for (String f : new String[] {"fpu", "tsc", "cx8", "cmov", "pge", "pse"}) {
                assertTrue((flags + " ").contains(" " + f + " "), "cpuinfo flag " + f + ": " + flags);
            }
            for (String absent : new String[] {"mmx", "sse", "pae", "fxsr"}) {
                assertTrue(!(flags + " ").contains(" " + absent + " "), "no " + absent + " on this P6 model: " + flags);
            }

            String ls = guest.command("ls /", COMMAND);
            for (String dir : new String[] {"bin", "dev", "proc", "sys", "init"}) {
                assertTrue(ls.contains(dir), "ls / lists " + dir + ": " + ls);
            }

            String test = guest.command("/bin/jvtest", COMMAND);
            assertTrue(test.contains("jvtest: 17 passed, 0 failed"), test);

            assertEquals("5\n", guest.command("expr 2 + 3", COMMAND));

            guest.type("poweroff\n");
            Pc.Result r = guest.awaitStop(COMMAND);
            assertEquals(Pc.Reason.HALTED, r.reason(), r.toString());
            assertTrue(guest.pc().serialOutput().contains("System halted"));
        }
    }
}
