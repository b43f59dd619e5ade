package dev.flynn.spark;

import java.io.Serializable;

/**
 * The reduction states of one partition, one per reduction, as a task hands them to the merge tree.
 *
 * @param partition the partition's index
 * @param parts the state of each reduction over the partition
 */
record SparkPartitionState(int partition, SparkPartial[] parts) implements Serializable {
}
