package dev.flynn.conformance;

import dev.flynn.Backend;
import dev.flynn.DType;
import dev.flynn.Flynn;
import dev.flynn.Kernel;
import dev.flynn.Reduction;
import dev.flynn.ir.BinaryOp;

/**
 * Divides by zero many times through integer {@code /} and {@code %} maps and reductions on one
 * backend and checks that every ArithmeticException carries Java's message and a stack trace: HotSpot
 * replaces an implicit exception thrown often by compiled code with a preallocated one that has
 * neither. Run in a forked JVM with {@code -Xbatch} (see {@link ConformanceSuite}); arguments: the
 * backend's id and the number of throws per kernel. Exits with 0 when every exception was complete.
 */
public final class RepeatedDivisionByZero {
    private RepeatedDivisionByZero() {
    }

    public static void main(String[] args) {
        Backend backend = Backend.of(args[0]);
        int throwsPerKernel = Integer.parseInt(args[1]);
        int n = 67;
        long checked = 0;
        try (Flynn rt = Flynn.builder().backend(backend).threads(1).build()) {
            for (DType t : new DType[]{DType.I32, DType.I64}) {
                for (BinaryOp op : new BinaryOp[]{BinaryOp.DIV, BinaryOp.REM}) {
                    Kernel map = Kernel.map(t, t, (a, b) -> Ops.binary(op, a, b));
                    Kernel sum = map.reduce(Reduction.sum());
                    Object x = Columns.filled(t, n, 7);
                    Object y = Columns.filled(t, n, 3);
                    Object out = Columns.allocate(t, n);
                    for (Kernel k : new Kernel[]{map, sum}) {
                        for (int i = 0; i < throwsPerKernel; i++) {
                            // a zero among the first elements and one in the tail a vector loop leaves
                            int zeroAt = i % 2 == 0 ? 5 : n - 2;
                            Columns.set(y, zeroAt, 0);
                            try {
                                if (k == map) {
                                    rt.into(k, out, x, y);
                                } else {
                                    rt.reduceLong(k, x, y);
                                }
                                fail(k + " on " + backend.id() + ": no exception for a zero divisor at " + zeroAt);
                            } catch (ArithmeticException e) {
                                if (!"/ by zero".equals(e.getMessage()) || e.getStackTrace().length == 0) {
                                    fail(k + " " + t + " on " + backend.id() + ", throw " + (i + 1) + " of "
                                            + throwsPerKernel + ": message '" + e.getMessage() + "', "
                                            + e.getStackTrace().length + " stack frames");
                                }
                            }
                            Columns.set(y, zeroAt, 3);
                            checked++;
                        }
                    }
                }
            }
        }
        System.out.println(checked + " ArithmeticExceptions, each with message '/ by zero' and a stack trace");
    }

    private static void fail(String what) {
        System.out.println(what);
        System.exit(1);
    }
}
