package dev.flynn;

/**
 * How {@link Scoring} scores a query {@code q} against each row {@code x} of a matrix, and which end of
 * the scores is nearest. Each score is the row's own 1-D reduction, bitwise what
 * {@link Kernel#dot(DType)} or {@code sum((x - q)^2)} gives for that row alone.
 */
public enum Metric {
    /** {@code sum(x * q)}: {@link Kernel#dot(DType)} of the row and the query; larger is nearer. */
    DOT(TopK.Order.LARGEST),
    /**
     * {@code dot(x, q) / (sqrt(dot(x, x)) * sqrt(dot(q, q)))}, the three dot products as {@link #DOT}
     * computes them, the rest in F64 and rounded once to the element type (F32, F64 only); larger is
     * nearer, and a zero row or query gives NaN.
     */
    COSINE(TopK.Order.LARGEST),
    /** {@code sum((x - q) * (x - q))}, the squared Euclidean distance; smaller is nearer. */
    SQUARED_L2(TopK.Order.SMALLEST);

    private final TopK.Order nearest;

    Metric(TopK.Order nearest) {
        this.nearest = nearest;
    }

    /**
     * Which end of this metric's scores is nearest: the order {@link Scoring#knn} selects in.
     *
     * @return {@link TopK.Order#LARGEST} for similarities, {@link TopK.Order#SMALLEST} for distances
     */
    public TopK.Order nearest() {
        return nearest;
    }
}
