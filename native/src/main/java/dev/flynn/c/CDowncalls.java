package dev.flynn.c;

import dev.flynn.spi.Binding;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;

/**
 * Downcall handles for the functions {@link CSourceWriter} writes, adapted to the fixed shapes of
 * {@link dev.flynn.spi.CpuKernel}: a kernel's C function takes one (pointer, offset) pair per array
 * input, and method-handle combinators pick those out of the {@code data} and {@code offsets} arrays,
 * so a call boxes nothing and copies no data.
 *
 * <p>Handles are {@linkplain Linker.Option#critical(boolean) critical} with heap access: Java arrays
 * are passed in place, without copies. Kernels never call back into Java, and {@link CKernel} keeps
 * each call short so that the garbage collector is not held off for long.
 */
final class CDowncalls {
    /** {@code (Object[] data, long[] offsets, Object out, long outOffset, long start, long end, long[] args)int}. */
    static final MethodType MAP = MethodType.methodType(int.class, Object[].class, long[].class, Object.class,
            long.class, long.class, long.class, long[].class);
    /** {@code (Object[] data, long[] offsets, long start, long end, long[] args, long[] result)int}. */
    static final MethodType REDUCE = MethodType.methodType(int.class, Object[].class, long[].class, long.class,
            long.class, long[].class, long[].class);
    /** {@code (long[] ab, long[] args)int}. */
    static final MethodType COMBINE = MethodType.methodType(int.class, long[].class, long[].class);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SEGMENT_AT;
    private static final MethodHandle OFFSET_AT;
    private static final MethodHandle SEGMENT_OF;
    private static final MethodHandle LONGS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEGMENT_AT = l.findStatic(CDowncalls.class, "segmentAt",
                    MethodType.methodType(MemorySegment.class, Object[].class, int.class));
            OFFSET_AT = MethodHandles.arrayElementGetter(long[].class);
            SEGMENT_OF = l.findStatic(CDowncalls.class, "segmentOf", MethodType.methodType(MemorySegment.class, Object.class));
            LONGS = l.findStatic(CDowncalls.class, "longs", MethodType.methodType(MemorySegment.class, long[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CDowncalls() {
    }

    /** {@code flynn_map} adapted to {@link #MAP}. */
    static MethodHandle map(MemorySegment fn, List<Binding> inputs) {
        List<MemoryLayout> params = new ArrayList<>();
        List<MethodHandle> filters = new ArrayList<>();
        List<Integer> reorder = new ArrayList<>();
        inputs(inputs, params, filters, reorder);
        add(params, filters, reorder, ValueLayout.ADDRESS, SEGMENT_OF, 2);
        add(params, filters, reorder, ValueLayout.JAVA_LONG, null, 3);
        add(params, filters, reorder, ValueLayout.JAVA_LONG, null, 4);
        add(params, filters, reorder, ValueLayout.JAVA_LONG, null, 5);
        add(params, filters, reorder, ValueLayout.ADDRESS, LONGS, 6);
        return adapt(fn, params, filters, reorder, MAP);
    }

    /** {@code flynn_reduce} adapted to {@link #REDUCE}. */
    static MethodHandle reduce(MemorySegment fn, List<Binding> inputs) {
        List<MemoryLayout> params = new ArrayList<>();
        List<MethodHandle> filters = new ArrayList<>();
        List<Integer> reorder = new ArrayList<>();
        inputs(inputs, params, filters, reorder);
        add(params, filters, reorder, ValueLayout.JAVA_LONG, null, 2);
        add(params, filters, reorder, ValueLayout.JAVA_LONG, null, 3);
        add(params, filters, reorder, ValueLayout.ADDRESS, LONGS, 4);
        add(params, filters, reorder, ValueLayout.ADDRESS, LONGS, 5);
        return adapt(fn, params, filters, reorder, REDUCE);
    }

    /** {@code flynn_combine} adapted to {@link #COMBINE}. */
    static MethodHandle combine(MemorySegment fn) {
        List<MemoryLayout> params = new ArrayList<>();
        List<MethodHandle> filters = new ArrayList<>();
        List<Integer> reorder = new ArrayList<>();
        add(params, filters, reorder, ValueLayout.ADDRESS, LONGS, 0);
        add(params, filters, reorder, ValueLayout.ADDRESS, LONGS, 1);
        return adapt(fn, params, filters, reorder, COMBINE);
    }

    /** A (pointer, element offset) pair per input that is not a scalar, as {@code CSourceWriter.params} writes. */
    private static void inputs(List<Binding> inputs, List<MemoryLayout> params, List<MethodHandle> filters,
                               List<Integer> reorder) {
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) == Binding.SCALAR) {
                continue;
            }
            add(params, filters, reorder, ValueLayout.ADDRESS, MethodHandles.insertArguments(SEGMENT_AT, 1, i), 0);
            add(params, filters, reorder, ValueLayout.JAVA_LONG, MethodHandles.insertArguments(OFFSET_AT, 1, i), 1);
        }
    }

    private static void add(List<MemoryLayout> params, List<MethodHandle> filters, List<Integer> reorder,
                            MemoryLayout layout, MethodHandle filter, int from) {
        params.add(layout);
        filters.add(filter);
        reorder.add(from);
    }

    private static MethodHandle adapt(MemorySegment fn, List<MemoryLayout> params, List<MethodHandle> filters,
                                      List<Integer> reorder, MethodType type) {
        FunctionDescriptor fd = FunctionDescriptor.of(ValueLayout.JAVA_INT, params.toArray(MemoryLayout[]::new));
        MethodHandle h = LINKER.downcallHandle(fn, fd, Linker.Option.critical(true));
        h = MethodHandles.filterArguments(h, 0, filters.toArray(MethodHandle[]::new));
        return MethodHandles.permuteArguments(h, type, reorder.stream().mapToInt(Integer::intValue).toArray());
    }

    private static MemorySegment segmentAt(Object[] data, int i) {
        return segmentOf(data[i]);
    }

    private static MemorySegment segmentOf(Object storage) {
        return switch (storage) {
            case MemorySegment s -> s;
            case float[] a -> MemorySegment.ofArray(a);
            case double[] a -> MemorySegment.ofArray(a);
            case int[] a -> MemorySegment.ofArray(a);
            case long[] a -> MemorySegment.ofArray(a);
            default -> throw new IllegalArgumentException("not an array or segment: " + storage);
        };
    }

    private static MemorySegment longs(long[] a) {
        return a == null ? MemorySegment.NULL : MemorySegment.ofArray(a);
    }
}
