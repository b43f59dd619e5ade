package dev.flynn;

import dev.flynn.spi.Binding;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * How the one abstract method of a handle's interface passes a kernel's operands, checked once at
 * binding: each operand is an array of its element type (with an {@code int} offset after it in the
 * slice form, which ends with an {@code int} length), a {@code MemorySegment}, a {@link DeviceArray}
 * or, for an input, a primitive that broadcasts. A map's output comes first and the method returns
 * {@code void}; a reduction returns its result as the primitive of its type.
 */
record HandleSignature(Method method, List<Operand> operands, boolean slices, int lengthParam) {

    /** What a parameter (or, for a slice, a pair of them) binds. */
    enum Form {
        ARRAY(Binding.ARRAY), SLICE(Binding.ARRAY), SEGMENT(Binding.SEGMENT), DEVICE(Binding.DEVICE), SCALAR(Binding.SCALAR);

        final Binding binding;

        Form(Binding binding) {
            this.binding = binding;
        }
    }

    /**
     * One operand: the kernel input it feeds ({@code -1} for a map's output), how, and where its
     * parameters are.
     */
    record Operand(int input, Form form, Class<?> type, int param, String name) {
    }

    static HandleSignature of(Class<?> shape, Kernel kernel) {
        if (!shape.isInterface()) {
            throw new IllegalArgumentException(shape.getName() + " is not an interface: declare an interface with one"
                    + " abstract method, such as interface Dot { float apply(float[] a, float[] b); }");
        }
        for (Class<?> c = shape; c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                throw new IllegalArgumentException((c == shape ? "interface " : "the class enclosing it, ")
                        + c.getName() + ", is not public: Flynn implements the interface from its own package,"
                        + " so declare " + (c == shape ? "it" : "both") + " public");
            }
        }
        Method method = abstractMethod(shape);
        String where = shape.getSimpleName() + "." + method.getName() + signature(method) + " cannot run " + kernel
                + " " + kernel.ir().inputs() + " -> " + kernel.resultType() + ": ";
        Class<?>[] p = method.getParameterTypes();
        boolean map = !kernel.isReduction();
        int want = kernel.arity() + (map ? 1 : 0);
        checkReturn(method, kernel, map, where);
        HandleSignature sliced = sliceForm(method, p, kernel, map, want);
        if (sliced != null) {
            sliced.checkTypes(kernel, map, where);
            return sliced;
        }
        List<Operand> ops = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            int operand = ops.size();
            ops.add(new Operand(map ? operand - 1 : operand, formOf(p[i], where, i), p[i], i, paramName(method, i)));
        }
        if (ops.size() != want) {
            throw new IllegalArgumentException(where + "it has " + ops.size() + " operand parameters, the kernel needs "
                    + want + (map ? " (the output first, then the inputs " : " (the inputs ") + kernel.inputNames() + ")");
        }
        HandleSignature s = new HandleSignature(method, List.copyOf(ops), false, -1);
        s.checkTypes(kernel, map, where);
        return s;
    }

    /** The slice form, (array, int offset)... int length, when the parameters read that way and add up. */
    private static HandleSignature sliceForm(Method method, Class<?>[] p, Kernel kernel, boolean map, int want) {
        if (p.length < 3 || p[p.length - 1] != int.class) {
            return null;
        }
        List<Operand> ops = new ArrayList<>();
        int i = 0;
        boolean any = false;
        while (i < p.length - 1) {
            int operand = ops.size();
            int input = map ? operand - 1 : operand;
            if (p[i].isArray() && i + 1 < p.length - 1 && p[i + 1] == int.class) {
                ops.add(new Operand(input, Form.SLICE, p[i], i, paramName(method, i)));
                any = true;
                i += 2;
            } else if (p[i].isPrimitive()) {
                ops.add(new Operand(input, Form.SCALAR, p[i], i, paramName(method, i)));
                i++;
            } else {
                return null;
            }
        }
        return any && ops.size() == want ? new HandleSignature(method, List.copyOf(ops), true, p.length - 1) : null;
    }

    private void checkTypes(Kernel kernel, boolean map, String where) {
        for (Operand o : operands) {
            DType t = o.input < 0 ? kernel.resultType() : kernel.ir().inputs().get(o.input);
            String role = o.input < 0 ? "the output" : "input " + kernel.inputNames().get(o.input);
            switch (o.form) {
                case ARRAY, SLICE -> {
                    if (o.type.getComponentType() != t.javaType()) {
                        throw new IllegalArgumentException(where + "parameter " + o.name + " is "
                                + o.type.getSimpleName() + ", " + role + " is " + t + ": declare " + t.javaType() + "[]");
                    }
                }
                case SCALAR -> {
                    if (o.input < 0) {
                        throw new IllegalArgumentException(where + "parameter " + o.name + " is a " + o.type
                                + ", but the output must be an array, MemorySegment or DeviceArray");
                    }
                    if (o.type != t.javaType()) {
                        throw new IllegalArgumentException(where + "parameter " + o.name + " is a " + o.type + ", "
                                + role + " is " + t + ": declare " + t.javaType());
                    }
                }
                case SEGMENT, DEVICE -> {
                    // element types of segments and device arrays are checked per call
                }
            }
        }
    }

    private static Form formOf(Class<?> c, String where, int i) {
        if (c.isArray()) {
            return Form.ARRAY;
        }
        if (c == MemorySegment.class) {
            return Form.SEGMENT;
        }
        if (c == DeviceArray.class) {
            return Form.DEVICE;
        }
        if (c.isPrimitive()) {
            return Form.SCALAR;
        }
        throw new IllegalArgumentException(where + "parameter " + i + " is a " + c.getName() + "; operands are"
                + " float[], double[], int[], long[], MemorySegment, DeviceArray or a primitive that broadcasts");
    }

    private static void checkReturn(Method method, Kernel kernel, boolean map, String where) {
        Class<?> r = method.getReturnType();
        if (map) {
            if (kernel.resultType() == DType.BOOL) {
                throw new IllegalArgumentException(where + "a mask is not stored: use select(mask, 1, 0) or .toI32(),"
                        + " or reduce it with count(), any() or all()");
            }
            if (r != void.class) {
                throw new IllegalArgumentException(where + "a map writes its output into the first parameter, so the"
                        + " method returns void, not " + r.getSimpleName());
            }
            return;
        }
        Class<?> want = kernel.resultType().javaType();
        if (r != want) {
            throw new IllegalArgumentException(where + "the reduction's result is " + kernel.resultType()
                    + ", so the method returns " + want + ", not " + r.getSimpleName());
        }
    }

    private static Method abstractMethod(Class<?> shape) {
        Method found = null;
        for (Method m : shape.getMethods()) {
            if (!Modifier.isAbstract(m.getModifiers()) || isObjectMethod(m)) {
                continue;
            }
            if (found != null) {
                throw new IllegalArgumentException("interface " + shape.getName() + " has more than one abstract method ("
                        + found.getName() + ", " + m.getName() + "): a handle implements exactly one");
            }
            found = m;
        }
        if (found == null) {
            throw new IllegalArgumentException("interface " + shape.getName() + " has no abstract method to implement");
        }
        if (found.getTypeParameters().length > 0) {
            throw new IllegalArgumentException(found + " is generic: declare its parameter types");
        }
        return found;
    }

    private static boolean isObjectMethod(Method m) {
        try {
            Object.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static String paramName(Method m, int i) {
        var p = m.getParameters()[i];
        return p.isNamePresent() ? p.getName() : "#" + i;
    }

    private static String signature(Method m) {
        StringBuilder b = new StringBuilder("(");
        for (Class<?> c : m.getParameterTypes()) {
            b.append(b.length() > 1 ? ", " : "").append(c.getSimpleName());
        }
        return b.append(")").toString();
    }
}
