package dev.flynn.spark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SparkPartialTreeTest {

    // a merge that records its shape: rows count the partitions, count names the first partition of a range
    private static String shape(int partitions, List<Integer> order, int split) {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        SparkPartialTree.Merge merge = (l, r) -> {
            SparkPartial p = SparkPartial.empty(l[0].rows + r[0].rows);
            p.count = l[0].count; // first partition of the range
            log.add("(" + l[0].count + "+" + r[0].count + ")");
            return new SparkPartial[] {p};
        };
        SparkPartialTree a = new SparkPartialTree(partitions);
        SparkPartialTree b = new SparkPartialTree(partitions);
        for (int k = 0; k < order.size(); k++) {
            SparkPartial p = SparkPartial.empty(1);
            p.count = order.get(k);
            (k < split ? a : b).add(order.get(k), new SparkPartial[] {p}, merge);
        }
        SparkPartial[] r = a.addAll(b, merge).result();
        assertEquals(partitions, r[0].rows);
        List<String> sorted = new ArrayList<>(log);
        Collections.sort(sorted);
        return String.join(" ", sorted);
    }

    @Test
    void theTreeIsTheSameWhateverTheOrderOfArrival() {
        Random rnd = new Random(11);
        for (int partitions : new int[] {1, 2, 3, 5, 8, 13, 64, 100}) {
            List<Integer> order = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                order.add(p);
            }
            String expected = shape(partitions, order, partitions);
            for (int trial = 0; trial < 20; trial++) {
                Collections.shuffle(order, rnd);
                assertEquals(expected, shape(partitions, order, rnd.nextInt(partitions + 1)), partitions + " partitions");
            }
        }
        // neighbours first, as Partials.tree combines blocks

        assertEquals("(0+1) (0+2) (0+4) (2+3) (4+5)", shape(6, List.of(5, 3, 1, 0, 2, 4), 3));
    }

    @Test
    void anIncompleteTreeHasNoResult() {
        SparkPartialTree t = new SparkPartialTree(3);
        t.add(0, new SparkPartial[] {SparkPartial.empty(1)}, (l, r) -> l);
        assertThrows(IllegalStateException.class, t::result);
        assertThrows(IllegalArgumentException.class, () -> t.add(3, new SparkPartial[0], (l, r) -> l));
    }
}
