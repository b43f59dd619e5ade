package dev.flynn.spark;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * Combines per-partition reduction states in one fixed pairwise tree over the partition indices,
 * the same tree as core's {@code Partials.tree} over blocks: neighbours first, then pairs of pairs.
 * Spark's {@code treeAggregate} hands states over in whatever order tasks finish and groups
 * partitions by index modulo a scale, not by neighbourhood; holding the nodes that wait for their
 * sibling, keyed by level and first partition, makes every merge {@code merge(left, right)} of the
 * same two ranges whatever that order, so the result is bitwise reproducible for a partitioning.
 */
final class SparkPartialTree implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How two adjacent ranges merge, {@code left} covering the lower rows. */
    interface Merge extends Serializable {
        SparkPartial[] merge(SparkPartial[] left, SparkPartial[] right);
    }

    private final int partitions;
    private final Map<Long, SparkPartial[]> waiting = new HashMap<>();
    private SparkPartial[] root;

    SparkPartialTree(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        }
        this.partitions = partitions;
    }

    /** Adds the state of partition {@code partition}. */
    SparkPartialTree add(int partition, SparkPartial[] state, Merge merge) {
        if (partition < 0 || partition >= partitions) {
            throw new IllegalArgumentException("partition " + partition + " is outside 0.." + (partitions - 1));
        }
        insert(0, partition, state, merge);
        return this;
    }

    /** Adds every node of {@code other}, a tree over the same partitions. */
    SparkPartialTree addAll(SparkPartialTree other, Merge merge) {
        if (other.partitions != partitions) {
            throw new IllegalArgumentException("trees over " + partitions + " and " + other.partitions + " partitions");
        }
        if (other.root != null) {
            insert(levelOfRoot(), 0, other.root, merge);
        }
        for (Map.Entry<Long, SparkPartial[]> e : other.waiting.entrySet()) {
            insert((int) (e.getKey() >>> 32), (int) (long) e.getKey(), e.getValue(), merge);
        }
        return this;
    }

    /** The state of all partitions, once every one has been added. */
    SparkPartial[] result() {
        if (root == null) {
            throw new IllegalStateException("not every partition has been added: " + waiting.size() + " ranges wait");
        }
        return root;
    }

    private int levelOfRoot() {
        int level = 0;
        while ((1L << level) < partitions) {
            level++;
        }
        return level;
    }

    private void insert(int level, int start, SparkPartial[] state, Merge merge) {
        int rootLevel = levelOfRoot();
        while (level < rootLevel) {
            long width = 1L << level;
            boolean left = (start & ((width << 1) - 1)) == 0;
            long sibling = left ? start + width : start - width;
            if (left && sibling >= partitions) {
                // no right neighbour at this level: the range moves up unchanged, as in Partials.tree
            } else {
                SparkPartial[] other = waiting.remove(key(level, (int) sibling));
                if (other == null) {
                    if (waiting.putIfAbsent(key(level, start), state) != null) {
                        throw new IllegalStateException("partition range at level " + level + " from " + start
                                + " was added twice");
                    }
                    return;
                }
                state = left ? merge.merge(state, other) : merge.merge(other, state);
            }
            start = (int) (start & ~((width << 1) - 1));
            level++;
        }
        if (root != null) {
            throw new IllegalStateException("the whole range was added twice");
        }
        root = state;
    }

    private static long key(int level, int start) {
        return ((long) level << 32) | (start & 0xFFFFFFFFL);
    }
}
