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
 * Writes the class of a handle: the interface's one method, which stores each parameter in the
 * per-thread {@link BoundKernel.Invocation} and calls its run method, with no boxing, no varargs
 * array and no type dispatch (the types were checked at binding). A hidden class, so that it goes
 * when the handle does.
 */
final class HandleCompiler {
    private static final ClassDesc CD_BOUND = ClassDesc.of(BoundKernel.class.getName());
    private static final ClassDesc CD_INVOCATION = ClassDesc.of(BoundKernel.Invocation.class.getName());
    private static final ClassDesc CD_OBJECT = ConstantDescs.CD_Object;

    private HandleCompiler() {
    }

    static <T> T implement(Class<T> shape, BoundKernel bound) {
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
        byte[] bytes = ClassFile.of().build(self, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SYNTHETIC);
            cb.withInterfaceSymbols(iface);
            cb.withField("bound", CD_BOUND, ClassFile.ACC_PRIVATE | ClassFile.ACC_FINAL);
            cb.withMethodBody(ConstantDescs.INIT_NAME, MethodTypeDesc.of(ConstantDescs.CD_void, CD_BOUND),
                    ClassFile.ACC_PUBLIC, c -> {
                        c.aload(0);
                        c.invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                        c.aload(0);
                        c.aload(1);
                        c.putfield(self, "bound", CD_BOUND);
                        c.return_();
                    });
            cb.withMethodBody(m.getName(), type, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    c -> body(c, self, sig, m));
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
                    java.lang.invoke.MethodType.methodType(void.class, BoundKernel.class)).invoke(bound));
        } catch (Throwable e) {
            throw new IllegalStateException("could not generate the handle for " + shape.getName() + ": " + e, e);
        }
    }

    private static void body(CodeBuilder c, ClassDesc self, HandleSignature sig, Method m) {
        int[] slots = new int[m.getParameterCount()];
        int next = 1;
        for (int i = 0; i < slots.length; i++) {
            slots[i] = next;
            next += TypeKind.from(m.getParameterTypes()[i]).slotSize();
        }
        int inv = next;
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
