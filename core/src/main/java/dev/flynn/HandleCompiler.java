package dev.flynn;

import dev.flynn.HandleSignature.Form;
import dev.flynn.HandleSignature.Operand;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.AccessFlag;
import java.lang.reflect.Method;

/**
 * Writes the class of a handle: the interface's one method. Where the binding has a
 * {@link HandleDirect} path, the method first checks nulls and lengths of its arrays itself and calls
 * the compiled kernel from its own call site; every other call stores each parameter in the
 * per-thread {@link BoundKernel.Invocation} and calls its run method, with no boxing, no varargs array
 * and no type dispatch (the types were checked at binding). A hidden class, so that it goes when the
 * handle does.
 */
final class HandleCompiler {
    private static final ClassDesc CD_BOUND = ClassDesc.of(BoundKernel.class.getName());
    private static final ClassDesc CD_INVOCATION = ClassDesc.of(BoundKernel.Invocation.class.getName());
    private static final ClassDesc CD_OBJECT = ConstantDescs.CD_Object;
    private static final ClassDesc CD_DIRECT = ClassDesc.of(HandleDirect.class.getName());
    private static final ClassDesc CD_SCRATCH = ClassDesc.of(HandleDirect.Scratch.class.getName());
    private static final ClassDesc CD_KERNEL = ClassDesc.of(dev.flynn.spi.CpuKernel.class.getName());
    private static final ClassDesc CD_PARTIAL = ClassDesc.of(dev.flynn.spi.Partial.class.getName());
    private static final ClassDesc CD_OBJECTS = CD_OBJECT.arrayType();
    private static final ClassDesc CD_LONGS = ConstantDescs.CD_long.arrayType();
    /** The general path's private method: a name no interface method can clash with in a way that matters. */
    private static final String GENERAL = "flynn$general";
    private static final ClassFile CLASS_FILE = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
            java.lang.classfile.ClassHierarchyResolver.defaultResolver().orElse(
                    java.lang.classfile.ClassHierarchyResolver.ofClassLoading(HandleCompiler.class.getClassLoader()))));

    private HandleCompiler() {
    }

    static <T> T implement(Class<T> shape, BoundKernel bound) {
        HandleDirect direct = bound.direct().orElse(null);
        HandleSignature sig = bound.signature();
        Method m = sig.method();
        if (!HandleCompiler.class.getModule().canRead(shape.getModule())) {
            // the generated class in core's module must read the interface's module to implement it
            HandleCompiler.class.getModule().addReads(shape.getModule());
        }
        ClassDesc self = ClassDesc.of("dev.flynn.Handle$" + shape.getSimpleName());
        ClassDesc iface = ClassDesc.of(shape.getName());
        MethodTypeDesc type = MethodTypeDesc.ofDescriptor(java.lang.invoke.MethodType.methodType(m.getReturnType(),
                m.getParameterTypes()).toMethodDescriptorString());
        MethodTypeDesc ctor = MethodTypeDesc.of(ConstantDescs.CD_void, CD_BOUND, CD_DIRECT);
        byte[] bytes = CLASS_FILE.build(self, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            cb.withInterfaceSymbols(iface);
            cb.withField("bound", CD_BOUND, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL);
            cb.withField("direct", CD_DIRECT, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ctor, ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                c.aload(0);
                c.aload(1);
                c.putfield(self, "bound", CD_BOUND);
                c.aload(0);
                c.aload(2);
                c.putfield(self, "direct", CD_DIRECT);
                c.return_();
            });
            if (direct == null) {
                cb.withMethodBody(m.getName(), type, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        c -> body(c, self, sig, m));
            } else {
                cb.withMethodBody(m.getName(), type, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                        c -> direct(c, self, sig, m, type, !bound.kernel().isReduction()));
                cb.withMethodBody(GENERAL, type, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL,
                        c -> body(c, self, sig, m));
            }
            cb.withMethodBody("toString", MethodTypeDesc.of(ConstantDescs.CD_String), ClassFile.ACC_PUBLIC, c -> {
                c.aload(0);
                c.getfield(self, "bound", CD_BOUND);
                c.invokevirtual(CD_BOUND, "toString", MethodTypeDesc.of(ConstantDescs.CD_String));
                c.areturn();
            });
        });
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return shape.cast(lookup.findConstructor(lookup.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class, BoundKernel.class, HandleDirect.class))
                    .invoke(bound, direct));
        } catch (Throwable e) {
            throw new IllegalStateException("could not generate the handle for " + shape.getName() + ": " + e, e);
        }
    }

    private static int[] slots(Method m) {
        int[] slots = new int[m.getParameterCount() + 1];
        int next = 1;
        for (int i = 0; i < m.getParameterCount(); i++) {
            slots[i] = next;
            next += TypeKind.from(m.getParameterTypes()[i]).slotSize();
        }
        slots[slots.length - 1] = next;
        return slots;
    }

    /**
     * The direct path ({@link HandleDirect}): every operand a whole array, checked for null and length
     * here, then the kernel called on this thread's scratch; a null, a length mismatch, an empty or large
     * call, or a reduction that needs its range rescue goes to the general path, which also gives the
     * errors their messages.
     */
    private static void direct(CodeBuilder c, ClassDesc self, HandleSignature sig, Method m, MethodTypeDesc type,
                               boolean map) {
        int[] slots = slots(m);
        java.lang.classfile.Label general = c.newLabel();
        int n = c.allocateLocal(TypeKind.INT);
        int scratch = c.allocateLocal(TypeKind.REFERENCE);
        int partial = c.allocateLocal(TypeKind.REFERENCE);
        for (Operand o : sig.operands()) {
            c.aload(slots[o.param()]);
            c.ifnull(general);
        }
        c.aload(slots[sig.operands().getFirst().param()]);
        c.arraylength();
        c.istore(n);
        for (Operand o : sig.operands().subList(1, sig.operands().size())) {
            c.aload(slots[o.param()]);
            c.arraylength();
            c.iload(n);
            c.if_icmpne(general);
        }
        c.iload(n);
        c.ifle(general);
        c.iload(n);
        c.aload(0).getfield(self, "direct", CD_DIRECT).getfield(CD_DIRECT, "limit", ConstantDescs.CD_int);
        c.if_icmpgt(general);
        c.aload(0).getfield(self, "direct", CD_DIRECT);
        c.invokevirtual(CD_DIRECT, "scratch", MethodTypeDesc.of(CD_SCRATCH));
        c.astore(scratch);
        for (Operand o : sig.operands()) {
            if (o.input() >= 0) {
                c.aload(scratch).getfield(CD_SCRATCH, "data", CD_OBJECTS);
                c.loadConstant(o.input());
                c.aload(slots[o.param()]);
                c.aastore();
            }
        }
        c.aload(0).getfield(self, "direct", CD_DIRECT).getfield(CD_DIRECT, "kernel", CD_KERNEL);
        c.aload(scratch).getfield(CD_SCRATCH, "data", CD_OBJECTS);
        c.aload(scratch).getfield(CD_SCRATCH, "offsets", CD_LONGS);
        if (map) {
            c.aload(slots[sig.operands().getFirst().param()]);
            c.lconst_0();
            c.lconst_0();
            c.iload(n).i2l();
            c.aload(0).getfield(self, "direct", CD_DIRECT).getfield(CD_DIRECT, "args", CD_LONGS);
            c.invokeinterface(CD_KERNEL, "map", MethodTypeDesc.of(ConstantDescs.CD_void, CD_OBJECTS, CD_LONGS,
                    CD_OBJECT, ConstantDescs.CD_long, ConstantDescs.CD_long, ConstantDescs.CD_long, CD_LONGS));
            c.aload(scratch).invokevirtual(CD_SCRATCH, "clear", ConstantDescs.MTD_void);
            c.return_();
        } else {
            c.lconst_0();
            c.iload(n).i2l();
            c.aload(0).getfield(self, "direct", CD_DIRECT).getfield(CD_DIRECT, "args", CD_LONGS);
            c.aload(scratch).getfield(CD_SCRATCH, "partial", CD_PARTIAL);
            c.dup().astore(partial);
            c.invokeinterface(CD_KERNEL, "reduce", MethodTypeDesc.of(ConstantDescs.CD_void, CD_OBJECTS, CD_LONGS,
                    ConstantDescs.CD_long, ConstantDescs.CD_long, CD_LONGS, CD_PARTIAL));
            c.aload(scratch).invokevirtual(CD_SCRATCH, "clear", ConstantDescs.MTD_void);
            c.aload(0).getfield(self, "direct", CD_DIRECT);
            c.aload(partial);
            c.iload(n).i2l();
            c.invokevirtual(CD_DIRECT, "rescue", MethodTypeDesc.of(ConstantDescs.CD_boolean, CD_PARTIAL,
                    ConstantDescs.CD_long));
            c.ifne(general);
            c.aload(0).getfield(self, "direct", CD_DIRECT);
            c.aload(partial);
            Class<?> r = m.getReturnType();
            if (r == float.class || r == double.class) {
                c.invokevirtual(CD_DIRECT, "value", MethodTypeDesc.of(ConstantDescs.CD_double, CD_PARTIAL));
                if (r == float.class) {
                    // an F32 reduction's value is a float, widened exactly
                    c.d2f().freturn();
                } else {
                    c.dreturn();
                }
            } else {
                c.invokevirtual(CD_DIRECT, "longValue", MethodTypeDesc.of(ConstantDescs.CD_long, CD_PARTIAL));
                if (r == int.class) {
                    c.l2i().ireturn();
                } else {
                    c.lreturn();
                }
            }
        }
        c.labelBinding(general);
        c.aload(0);
        for (int i = 0; i < m.getParameterCount(); i++) {
            c.loadLocal(TypeKind.from(m.getParameterTypes()[i]), slots[i]);
        }
        c.invokevirtual(self, GENERAL, type);
        c.return_(TypeKind.from(m.getReturnType()));
    }

    private static void body(CodeBuilder c, ClassDesc self, HandleSignature sig, Method m) {
        int[] slots = slots(m);
        int inv = slots[slots.length - 1];
        c.aload(0);
        c.getfield(self, "bound", CD_BOUND);
        c.invokevirtual(CD_BOUND, "begin", MethodTypeDesc.of(CD_INVOCATION));
        c.astore(inv);
        for (int i = 0; i < sig.operands().size(); i++) {
            Operand o = sig.operands().get(i);
            c.aload(inv);
            c.loadConstant(i);
            int slot = slots[o.param()];
            if (o.form() == Form.SCALAR) {
                Class<?> p = o.type();
                if (p == float.class) {
                    c.fload(slot);
                    c.invokestatic(ConstantDescs.CD_Float, "floatToRawIntBits",
                            MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_float));
                    c.i2l();
                } else if (p == double.class) {
                    c.dload(slot);
                    c.invokestatic(ConstantDescs.CD_Double, "doubleToRawLongBits",
                            MethodTypeDesc.of(ConstantDescs.CD_long, ConstantDescs.CD_double));
                } else if (p == long.class) {
                    c.lload(slot);
                } else {
                    c.iload(slot);
                    c.i2l();
                }
                c.invokevirtual(CD_INVOCATION, "scalar", MethodTypeDesc.of(ConstantDescs.CD_void,
                        ConstantDescs.CD_int, ConstantDescs.CD_long));
                continue;
            }
            c.aload(slot);
            if (o.form() == Form.SLICE) {
                c.iload(slots[o.param() + 1]);
            } else {
                c.iconst_0();
            }
            c.invokevirtual(CD_INVOCATION, "operand", MethodTypeDesc.of(ConstantDescs.CD_void,
                    ConstantDescs.CD_int, CD_OBJECT, ConstantDescs.CD_int));
        }
        if (sig.slices()) {
            c.aload(inv);
            c.iload(slots[sig.lengthParam()]);
            c.invokevirtual(CD_INVOCATION, "length", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int));
        }
        c.aload(inv);
        Class<?> r = m.getReturnType();
        if (r == void.class) {
            c.invokevirtual(CD_INVOCATION, "runMap", ConstantDescs.MTD_void);
            c.return_();
        } else if (r == float.class || r == double.class) {
            c.invokevirtual(CD_INVOCATION, "reduceDouble", MethodTypeDesc.of(ConstantDescs.CD_double));
            if (r == float.class) {
                // an F32 reduction's value is a float, widened exactly
                c.d2f();
                c.freturn();
            } else {
                c.dreturn();
            }
        } else if (r == long.class || r == int.class) {
            c.invokevirtual(CD_INVOCATION, "reduceLong", MethodTypeDesc.of(ConstantDescs.CD_long));
            if (r == int.class) {
                c.l2i();
                c.ireturn();
            } else {
                c.lreturn();
            }
        } else {
            c.invokevirtual(CD_INVOCATION, "reduceBoolean", MethodTypeDesc.of(ConstantDescs.CD_boolean));
            c.ireturn();
        }
    }
}
