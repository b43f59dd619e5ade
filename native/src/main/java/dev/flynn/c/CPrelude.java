package dev.flynn.c;

/**
 * The C helpers every generated kernel starts with: each one is where C and Java disagree, written
 * so that C gives Java's answer without undefined behaviour. They are {@code static inline}, so the
 * compiler inlines them into the loops and drops the unused ones.
 */
final class CPrelude {
    private CPrelude() {
    }

    static final String TEXT = """
            #include <stdint.h>
            #include <string.h>
            #include <math.h>

            /* a MemorySegment may start at any byte address */
            typedef float flynn_uf32 __attribute__((aligned(1)));
            typedef double flynn_uf64 __attribute__((aligned(1)));
            typedef int32_t flynn_ui32 __attribute__((aligned(1)));
            typedef int64_t flynn_ui64 __attribute__((aligned(1)));

            /* arguments travel as raw bits in an int64 array (Float.floatToRawIntBits, Double.doubleToRawLongBits) */
            static inline float flynn_f32_of(int64_t bits) { uint32_t u = (uint32_t) bits; float f; memcpy(&f, &u, sizeof f); return f; }
            static inline double flynn_f64_of(int64_t bits) { double d; memcpy(&d, &bits, sizeof d); return d; }
            static inline int64_t flynn_f64_bits(double d) { int64_t b; memcpy(&b, &d, sizeof b); return b; }

            /* Math.min/max: NaN wins, and -0.0 orders below +0.0 (C's fmin does neither) */
            static inline float flynn_min_f32(float a, float b) { return a != a ? a : b != b ? b : a == b ? (signbit(a) ? a : b) : a < b ? a : b; }
            static inline float flynn_max_f32(float a, float b) { return a != a ? a : b != b ? b : a == b ? (signbit(a) ? b : a) : a > b ? a : b; }
            static inline double flynn_min_f64(double a, double b) { return a != a ? a : b != b ? b : a == b ? (signbit(a) ? a : b) : a < b ? a : b; }
            static inline double flynn_max_f64(double a, double b) { return a != a ? a : b != b ? b : a == b ? (signbit(a) ? b : a) : a > b ? a : b; }

            /* Math.signum: zeros and NaN are returned as they are */
            static inline float flynn_signum_f32(float x) { return (x == 0.0f || x != x) ? x : copysignf(1.0f, x); }
            static inline double flynn_signum_f64(double x) { return (x == 0.0 || x != x) ? x : copysign(1.0, x); }

            /* Math.pow differs from C's pow: pow(1, NaN) and pow(+-1, +-Inf) are NaN in Java, 1 in C;
               and pow(x, +-0) is 1 in Java even for a signaling NaN x, which glibc turns into NaN */
            static inline double flynn_pow(double a, double b) { return b == 0.0 ? 1.0 : b != b ? b : (fabs(a) == 1.0 && isinf(b)) ? (double) NAN : pow(a, b); }
            /* Math.hypot is +Inf when either argument is infinite, even if the other is a (signaling) NaN */
            static inline double flynn_hypot(double a, double b) { return (isinf(a) || isinf(b)) ? (double) INFINITY : hypot(a, b); }

            /* Java's float-to-integer casts saturate and map NaN to 0; in C an out-of-range conversion is undefined */
            static inline int32_t flynn_to_i32(double x) { return x != x ? 0 : x >= 2147483647.0 ? INT32_MAX : x <= -2147483648.0 ? INT32_MIN : (int32_t) x; }
            static inline int64_t flynn_to_i64(double x) { return x != x ? 0 : x >= 9223372036854775807.0 ? INT64_MAX : x <= -9223372036854775808.0 ? INT64_MIN : (int64_t) x; }

            /* Integer division: the caller flags b == 0 (ArithmeticException in Java); MIN / -1 wraps to MIN and
               MIN % -1 is 0 as in Java, where x86's idiv would trap. Negation goes through unsigned to stay defined. */
            static inline int32_t flynn_div_i32(int32_t a, int32_t b) { return b == 0 ? 0 : b == -1 ? (int32_t) (0u - (uint32_t) a) : a / b; }
            static inline int32_t flynn_rem_i32(int32_t a, int32_t b) { return (b == 0 || b == -1) ? 0 : a % b; }
            static inline int64_t flynn_div_i64(int64_t a, int64_t b) { return b == 0 ? 0 : b == -1 ? (int64_t) (0u - (uint64_t) a) : a / b; }
            static inline int64_t flynn_rem_i64(int64_t a, int64_t b) { return (b == 0 || b == -1) ? 0 : a % b; }

            /* Java masks shift counts to the width; left shifts go through unsigned, where C defines every result */
            static inline int32_t flynn_shl_i32(int32_t a, int32_t b) { return (int32_t) ((uint32_t) a << (b & 31)); }
            static inline int32_t flynn_shr_i32(int32_t a, int32_t b) { return a >> (b & 31); }
            static inline int32_t flynn_ushr_i32(int32_t a, int32_t b) { return (int32_t) ((uint32_t) a >> (b & 31)); }
            static inline int64_t flynn_shl_i64(int64_t a, int64_t b) { return (int64_t) ((uint64_t) a << (b & 63)); }
            static inline int64_t flynn_shr_i64(int64_t a, int64_t b) { return a >> (b & 63); }
            static inline int64_t flynn_ushr_i64(int64_t a, int64_t b) { return (int64_t) ((uint64_t) a >> (b & 63)); }

            """;
}
