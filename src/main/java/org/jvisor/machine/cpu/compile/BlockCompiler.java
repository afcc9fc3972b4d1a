package org.jvisor.machine.cpu.compile;

import static java.lang.constant.ConstantDescs.BSM_CLASS_DATA_AT;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import org.jvisor.machine.cpu.Cpu;
import org.jvisor.machine.cpu.decode.Exec;
import org.jvisor.machine.cpu.decode.Insn;

/**
 * Compiles a block's dispatch loop into a hidden class. Each instruction's {@link Exec} and
 * {@link Insn} are loaded with {@code ldc} of a class-data constant, so every call site sees
 * one constant receiver and HotSpot can inline the semantics into one method.
 */
public final class BlockCompiler {
    private static final ClassDesc CD_CPU = ClassDesc.of(Cpu.class.getName());
    private static final ClassDesc CD_EXEC = ClassDesc.of(Exec.class.getName());
    private static final ClassDesc CD_INSN = ClassDesc.of(Insn.class.getName());
    private static final ClassDesc CD_COMPILED = ClassDesc.of(CompiledBlock.class.getName());
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_void, CD_CPU);
    private static final MethodTypeDesc EXEC_RUN = MethodTypeDesc.of(CD_void, CD_CPU, CD_INSN);
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

    /** Blocks compiled so far, for counters. */
    private long compiled;

    /** Compiles the instructions of one block; {@code ipMask} is -1 (32-bit code) or 0xFFFF. */
    public CompiledBlock compile(Insn[] insns, int ipMask) {
        List<Object> data = new ArrayList<>(insns.length * 2);
        for (Insn i : insns) {
            data.add(i.exec);
            data.add(i);
        }
        ClassDesc self = ClassDesc.of(BlockCompiler.class.getPackageName() + ".Block" + compiled);
        byte[] bytes = ClassFile.of().build(self, cb -> cb
                .withInterfaceSymbols(CD_COMPILED)
                .withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0)
                        .invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void)
                        .return_())
                .withMethodBody("run", RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        code -> body(code, insns, ipMask)));
        try {
            MethodHandles.Lookup hidden = LOOKUP.defineHiddenClassWithClassData(bytes, data, true);
            compiled++;
            return (CompiledBlock) hidden.findConstructor(hidden.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (Throwable t) {
            throw new IllegalStateException("block compilation failed", t);
        }
    }

    public long compiledBlocks() {
        return compiled;
    }

    private static void body(CodeBuilder code, Insn[] insns, int ipMask) {
        int cpu = 1;
        for (int k = 0; k < insns.length; k++) {
            // cpu.nextEip = (cpu.eip + length) & ipMask
            code.aload(cpu).aload(cpu).getfield(CD_CPU, "eip", CD_int).loadConstant(insns[k].length).iadd();
            if (ipMask != -1) code.loadConstant(ipMask).iand();
            code.putfield(CD_CPU, "nextEip", CD_int);
            // exec.run(cpu, insn), both constants
            code.ldc(classData(2 * k, CD_EXEC)).aload(cpu).ldc(classData(2 * k + 1, CD_INSN))
                    .invokeinterface(CD_EXEC, "run", EXEC_RUN);
            // cpu.eip = cpu.nextEip; cpu.instructions++
            code.aload(cpu).aload(cpu).getfield(CD_CPU, "nextEip", CD_int).putfield(CD_CPU, "eip", CD_int);
            code.aload(cpu).dup().getfield(CD_CPU, "instructions", CD_long).lconst_1().ladd()
                    .putfield(CD_CPU, "instructions", CD_long);
            if (k < insns.length - 1) {
                Label next = code.newLabel();
                code.aload(cpu).getfield(CD_CPU, "endBlock", CD_boolean).ifeq(next).return_().labelBinding(next);
            }
        }
        code.return_();
    }

    private static DynamicConstantDesc<Object> classData(int index, ClassDesc type) {
        return DynamicConstantDesc.ofNamed(BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index);
    }
}
