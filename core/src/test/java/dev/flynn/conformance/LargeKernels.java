package dev.flynn.conformance;

import dev.flynn.DType;
import dev.flynn.Expr;
import dev.flynn.Kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded random kernels of any number of operations on two inputs: a DAG where each operation takes
 * recent values (depth) or any earlier one (values live across the whole body), evaluated for
 * comparison by a Java interpreter of the same operation list. Floating-point operations keep values
 * within [-2, 2]; integer ones wrap, and divide only by odd numbers.
 */
public final class LargeKernels {
    private static final int FLOAT_OPS = 8;
    private static final int INT_OPS = 10;

    private final DType type;
    private final int[] op;
    private final int[] a;
    private final int[] b;

    private LargeKernels(DType type, int[] op, int[] a, int[] b) {
        this.type = type;
        this.op = op;
        this.a = a;
        this.b = b;
    }

    /** {@code size} operations of {@code type}, from the seed. */
    public static LargeKernels random(DType type, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] op = new int[size];
        int[] a = new int[size];
        int[] b = new int[size];
        for (int i = 0; i < size; i++) {
            int values = i + 2;
            op[i] = r.nextInt(type.isFloating() ? FLOAT_OPS : INT_OPS);
            a[i] = r.nextBoolean() ? values - 1 - r.nextInt(Math.min(values, 4)) : r.nextInt(values);
            b[i] = r.nextBoolean() ? values - 1 - r.nextInt(Math.min(values, 4)) : r.nextInt(values);
        }
        return new LargeKernels(type, op, a, b);
    }

    public int size() {
        return op.length;
    }

    public Kernel kernel() {
        return Kernel.map(type, type, (x, y) -> {
            List<Expr> v = new ArrayList<>(op.length + 2);
            v.add(x);
            v.add(y);
            for (int i = 0; i < op.length; i++) {
                Expr p = v.get(a[i]);
                Expr q = v.get(b[i]);
                v.add(type.isFloating() ? floating(op[i], p, q) : integral(op[i], p, q));
            }
            return v.getLast();
        });
    }

    private static Expr floating(int op, Expr p, Expr q) {
        return switch (op) {
            case 0 -> p.add(q).mul(0.5);
            case 1 -> p.mul(q).mul(0.5);
            case 2 -> p.min(q);
            case 3 -> p.max(q);
            case 4 -> p.neg();
            case 5 -> p.abs().sub(1);
            case 6 -> Expr.where(p.lt(q), p, q);
            default -> Expr.sqrt(p.abs());
        };
    }

    private Expr integral(int op, Expr p, Expr q) {
        return switch (op) {
            case 0 -> p.add(q);
            case 1 -> p.sub(q);
            case 2 -> p.mul(q);
            case 3 -> p.xor(q);
            case 4 -> p.ushr(3);
            case 5 -> p.min(q);
            case 6 -> p.max(q);
            case 7 -> Expr.where(p.lt(q), q, p);
            case 8 -> p.not();
            default -> p.div(q.or(1));
        };
    }

    /** Java's value of the kernel at {@code x, y}, as bits of the kernel's type. */
    public long java(long x, long y) {
        return switch (type) {
            case F32 -> {
                float[] v = new float[op.length + 2];
                v[0] = Float.intBitsToFloat((int) x);
                v[1] = Float.intBitsToFloat((int) y);
                for (int i = 0; i < op.length; i++) {
                    float p = v[a[i]];
                    float q = v[b[i]];
                    v[i + 2] = switch (op[i]) {
                        case 0 -> (p + q) * 0.5f;
                        case 1 -> p * q * 0.5f;
                        case 2 -> Math.min(p, q);
                        case 3 -> Math.max(p, q);
                        case 4 -> -p;
                        case 5 -> Math.abs(p) - 1;
                        case 6 -> p < q ? p : q;
                        default -> (float) Math.sqrt(Math.abs(p));
                    };
                }
                yield Float.floatToIntBits(v[op.length + 1]);
            }
            case F64 -> {
                double[] v = new double[op.length + 2];
                v[0] = Double.longBitsToDouble(x);
                v[1] = Double.longBitsToDouble(y);
                for (int i = 0; i < op.length; i++) {
                    double p = v[a[i]];
                    double q = v[b[i]];
                    v[i + 2] = switch (op[i]) {
                        case 0 -> (p + q) * 0.5;
                        case 1 -> p * q * 0.5;
                        case 2 -> Math.min(p, q);
                        case 3 -> Math.max(p, q);
                        case 4 -> -p;
                        case 5 -> Math.abs(p) - 1;
                        case 6 -> p < q ? p : q;
                        default -> Math.sqrt(Math.abs(p));
                    };
                }
                yield Double.doubleToLongBits(v[op.length + 1]);
            }
            case I32 -> {
                int[] v = new int[op.length + 2];
                v[0] = (int) x;
                v[1] = (int) y;
                for (int i = 0; i < op.length; i++) {
                    int p = v[a[i]];
                    int q = v[b[i]];
                    v[i + 2] = switch (op[i]) {
                        case 0 -> p + q;
                        case 1 -> p - q;
                        case 2 -> p * q;
                        case 3 -> p ^ q;
                        case 4 -> p >>> 3;
                        case 5 -> Math.min(p, q);
                        case 6 -> Math.max(p, q);
                        case 7 -> p < q ? q : p;
                        case 8 -> ~p;
                        default -> p / (q | 1);
                    };
                }
                yield v[op.length + 1];
            }
            case I64 -> {
                long[] v = new long[op.length + 2];
                v[0] = x;
                v[1] = y;
                for (int i = 0; i < op.length; i++) {
                    long p = v[a[i]];
                    long q = v[b[i]];
                    v[i + 2] = switch (op[i]) {
                        case 0 -> p + q;
                        case 1 -> p - q;
                        case 2 -> p * q;
                        case 3 -> p ^ q;
                        case 4 -> p >>> 3;
                        case 5 -> Math.min(p, q);
                        case 6 -> Math.max(p, q);
                        case 7 -> p < q ? q : p;
                        case 8 -> ~p;
                        default -> p / (q | 1);
                    };
                }
                yield v[op.length + 1];
            }
            case BOOL -> throw new IllegalArgumentException("masks are not kernel inputs");
        };
    }

    /** Input values of the kernel's type: floats in [-2, 2], integers of every magnitude. */
    public Object inputs(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Object arr = Columns.allocate(type, n);
        for (int i = 0; i < n; i++) {
            long bits = switch (type) {
                case F32 -> Float.floatToIntBits((float) r.nextDouble(-2, 2));
                case F64 -> Double.doubleToLongBits(r.nextDouble(-2, 2));
                case I32 -> i % 3 == 0 ? r.nextInt(-50, 50) : r.nextInt();
                case I64 -> i % 3 == 0 ? r.nextLong(-50, 50) : r.nextLong();
                case BOOL -> 0;
            };
            Columns.set(arr, i, bits);
        }
        return arr;
    }
}
