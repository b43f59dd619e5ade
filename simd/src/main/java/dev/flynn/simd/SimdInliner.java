package dev.flynn.simd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copies the bytecode of a static math routine, and of every static method of this package it calls,
 * into the generated kernel in place of the call. C2 inlines the Vector API's own methods whatever their
 * number ({@code @ForceInline}), but refuses a plain method once the kernel has used its inlining budget
 * (some 8000 bytes of bytecode, which a few dozen vector operations exhaust) or once the method was
 * compiled on its own: a routine left as a call passes its vectors as heap objects and runs some hundred
 * times slower. Copied into the kernel, the routine's operations are the kernel's own.
 *
 * <p>Routines must be straight-line or branch only forward or backward within themselves, return only
 * at the end of a path with nothing else on the stack (as javac compiles them), catch nothing, and use
 * only public API or package-private members of this package (the kernel is a hidden class here).
 */
final class SimdInliner {
    private static final String PACKAGE = SimdInliner.class.getPackageName();
    private static final Map<ClassDesc, ClassModel> MODELS = new ConcurrentHashMap<>();

    private SimdInliner() {
    }

    /** Emits {@code owner.name(args)} inline; the arguments are on the stack and the result is left there. */
    static void inline(CodeBuilder c, ClassDesc owner, String name, MethodTypeDesc type) {
        MethodModel m = method(owner, name, type);
        CodeModel code = m.code().orElseThrow(() -> new IllegalStateException(owner.displayName() + "." + name
                + " has no code to inline"));
        if (!code.exceptionHandlers().isEmpty()) {
            throw new IllegalStateException(owner.displayName() + "." + name + " catches exceptions: it cannot be inlined");
        }
        // fresh locals for the routine's own: slot s of the routine becomes base + s
        int base = -1;
        for (int s = 0; s < ((CodeAttribute) code).maxLocals(); s++) {
            int slot = c.allocateLocal(TypeKind.INT);
            base = s == 0 ? slot : base;
        }
        int firstSlot = base;
        List<Integer> paramSlots = new ArrayList<>();
        int slot = 0;
        for (ClassDesc p : type.parameterList()) {
            paramSlots.add(slot);
            slot += TypeKind.from(p).slotSize();
        }
        for (int i = type.parameterCount() - 1; i >= 0; i--) {
            c.storeLocal(TypeKind.from(type.parameterType(i)), firstSlot + paramSlots.get(i));
        }
        Label end = c.newLabel();
        Map<Label, Label> labels = new HashMap<>();
        for (CodeElement e : code) {
            switch (e) {
                case LoadInstruction l -> c.loadLocal(l.typeKind(), firstSlot + l.slot());
                case StoreInstruction s -> c.storeLocal(s.typeKind(), firstSlot + s.slot());
                case IncrementInstruction inc -> c.iinc(firstSlot + inc.slot(), inc.constant());
                case ReturnInstruction r -> c.goto_(end);
                case LabelTarget t -> c.labelBinding(labels.computeIfAbsent(t.label(), k -> c.newLabel()));
                case BranchInstruction b -> c.branch(b.opcode(), labels.computeIfAbsent(b.target(), k -> c.newLabel()));
                case TableSwitchInstruction t -> c.tableswitch(t.lowValue(), t.highValue(),
                        labels.computeIfAbsent(t.defaultTarget(), k -> c.newLabel()), cases(c, t.cases(), labels));
                case LookupSwitchInstruction t -> c.lookupswitch(
                        labels.computeIfAbsent(t.defaultTarget(), k -> c.newLabel()), cases(c, t.cases(), labels));
                case InvokeInstruction call when call.opcode() == Opcode.INVOKESTATIC && ownCode(call.owner().asSymbol()) ->
                        inline(c, call.owner().asSymbol(), call.name().stringValue(), call.typeSymbol());
                case PseudoInstruction p -> {
                    // line numbers and local variable names describe the routine's own file
                }
                default -> c.with(e);
            }
        }
        c.labelBinding(end);
    }

    private static List<SwitchCase> cases(CodeBuilder c, List<SwitchCase> cases, Map<Label, Label> labels) {
        List<SwitchCase> out = new ArrayList<>();
        for (SwitchCase sc : cases) {
            out.add(SwitchCase.of(sc.caseValue(), labels.computeIfAbsent(sc.target(), k -> c.newLabel())));
        }
        return out;
    }

    private static boolean ownCode(ClassDesc owner) {
        return owner.packageName().equals(PACKAGE);
    }

    private static MethodModel method(ClassDesc owner, String name, MethodTypeDesc type) {
        ClassModel cm = MODELS.computeIfAbsent(owner, SimdInliner::parse);
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString(name) && m.methodTypeSymbol().equals(type)
                    && (m.flags().flagsMask() & ClassFile.ACC_STATIC) != 0) {
                return m;
            }
        }
        throw new IllegalStateException("no static method " + owner.displayName() + "." + name + type.displayDescriptor()
                + " to inline");
    }

    private static ClassModel parse(ClassDesc owner) {
        String resource = owner.displayName() + ".class";
        try (InputStream in = SimdInliner.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the class file of " + owner.descriptorString() + " is not readable as "
                        + resource + " next to " + SimdInliner.class.getName());
            }
            return ClassFile.of().parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
