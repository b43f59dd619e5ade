package dev.flynn.spark;

import org.apache.spark.sql.SparkSession;

/** A small local[2] session for one test class: no UI, few shuffle partitions, loopback only. */
final class SparkTestSession {
    private SparkTestSession() {
    }

    static SparkSession start(String name) {
        return SparkSession.builder()
                .master("local[2]")
                .appName(name)
                .config("spark.ui.enabled", false)
                .config("spark.sql.shuffle.partitions", 2)
                .config("spark.default.parallelism", 2)
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
    }
}
