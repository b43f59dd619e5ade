package dev.flynn;

import dev.flynn.ir.Node;
import dev.flynn.ir.Printer;
import dev.flynn.ir.Schedule;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a {@link RowKernel} runs: its reductions over the row, deduplicated ({@code max(x)} written
 * twice is computed once) and ordered in stages (a reduction whose expression uses another's value
 * comes a stage later), each stage's reductions in passes over the row, then the map that writes
 * the output. Every pass is one of Flynn's ordinary 1-D kernels; a reduction's value enters later
 * kernels as a scalar input, so every row reuses the same compiled code. The mean, variance and
 * standard deviation of one expression share one pass: they are finished from the same moments.
 *
 * @param userArity the number of the user's inputs; the values of the reductions are inputs
 *                  {@code userArity, userArity + 1, ...} of later kernels, in stage order
 * @param stages the passes of each stage, in order
 * @param map the final map: the user's inputs, then every reduction's value
 */
record RowPlan(int userArity, List<List<Pass>> stages, Kernel map) {

    /**
     * One pass over the row: one reduction kernel whose value (or, for moments, whose state finished in
     * several ways) gives the values of {@code slots}.
     *
     * @param kernel the reduction kernel: the user's inputs then the values of earlier stages
     * @param slots the input index of each value it gives, in later kernels
     * @param own for each value, the kernel of that reduction alone (the same as {@code kernel} unless
     *            moments are shared): run again where the shared state left the exponent range
     */
    record Pass(Kernel kernel, int[] slots, List<Kernel> own) {
        boolean sharesMoments() {
            return own.size() > 1 || own.getFirst() != kernel;
        }
    }

    /** The number of passes over a row's data: one per reduction pass, one for the map. */
    int passes() {
        return 1 + stages.stream().mapToInt(List::size).sum();
    }

    /** One distinct reduction: its key, stage and canonical body (placeholders as temporary inputs). */
    private record Distinct(Reduction reduction, String name, Node body, DType type, int stage, int id) {
    }

    private record Key(Reduction reduction, Node body) {
    }

    /**
     * Plans {@code body}, whose reductions over the row are placeholders, over the user's inputs.
     *
     * @throws IllegalArgumentException if the map computes a mask
     */
    static RowPlan of(List<String> names, List<DType> types, Expr body) {
        int u = names.size();
        // phase 1: each distinct reduction as temporary input u + id, stages from the inputs it uses
        Map<Integer, Node> byPlaceholder = new HashMap<>();
        Map<Key, Distinct> distinct = new LinkedHashMap<>();
        List<Distinct> byId = new ArrayList<>();
        for (RowTerms.Term t : body.rows().all()) {
            Node b = RowText.substitute(t.body().node(), byPlaceholder);
            Distinct d = distinct.get(new Key(t.reduction(), b));
            if (d == null) {
                int stage = 0;
                for (Node n : Schedule.of(b).nodes()) {
                    if (n instanceof Node.Input in && in.index() >= u) {
                        stage = Math.max(stage, byId.get(in.index() - u).stage() + 1);
                    }
                }
                d = new Distinct(t.reduction(), t.name(), b, t.type(), stage, byId.size());
                distinct.put(new Key(t.reduction(), b), d);
                byId.add(d);
            }
            byPlaceholder.put(t.slot(), new Node.Input(u + d.id(), d.type()));
        }
        Node main = RowText.substitute(body.node(), byPlaceholder);
        if (!main.type().isNumeric()) {
            throw new IllegalArgumentException(body + " computes a mask, which is not stored: use where(mask, 1, 0)"
                    + " or i32(...) for numbers");
        }
        // phase 2: inputs numbered in stage order, so that a stage's kernels take a prefix of them
        List<Distinct> ordered = new ArrayList<>(byId);
        ordered.sort(Comparator.comparingInt(Distinct::stage).thenComparingInt(Distinct::id));
        Map<Integer, Node> renumber = new HashMap<>();
        for (int i = 0; i < ordered.size(); i++) {
            renumber.put(u + ordered.get(i).id(), new Node.Input(u + i, ordered.get(i).type()));
        }
        List<String> allNames = new ArrayList<>(names);
        List<DType> allTypes = new ArrayList<>(types);
        List<List<Pass>> stages = new ArrayList<>();
        int i = 0;
        while (i < ordered.size()) {
            int stage = ordered.get(i).stage();
            List<String> stageNames = List.copyOf(allNames);
            List<DType> stageTypes = List.copyOf(allTypes);
            // the moments of one body share a pass; every other reduction has its own
            Map<Object, List<Integer>> passes = new LinkedHashMap<>();
            List<Node> bodies = new ArrayList<>();
            for (int j = i; j < ordered.size() && ordered.get(j).stage() == stage; j++) {
                Node b = RowText.substitute(ordered.get(j).body(), renumber);
                bodies.add(b);
                Object key = ordered.get(j).reduction() instanceof Reduction.Moments ? b : j;
                passes.computeIfAbsent(key, k -> new ArrayList<>()).add(j);
            }
            List<Pass> stagePasses = new ArrayList<>();
            for (List<Integer> members : passes.values()) {
                Node b = bodies.get(members.getFirst() - i);
                List<Kernel> own = new ArrayList<>();
                int[] slots = new int[members.size()];
                for (int k = 0; k < members.size(); k++) {
                    own.add(reduce(stageNames, stageTypes, b, ordered.get(members.get(k)).reduction()));
                    slots[k] = u + members.get(k);
                }
                Kernel kernel = members.size() > 1 ? reduce(stageNames, stageTypes, b, Reduction.variance(0)) : own.getFirst();
                stagePasses.add(new Pass(kernel, slots, List.copyOf(own)));
            }
            for (int j = i; j < i + bodies.size(); j++) {
                Distinct d = ordered.get(j);
                allNames.add(d.name() + "(" + Printer.print(bodies.get(j - i), allNames) + ")");
                allTypes.add(d.type());
            }
            stages.add(List.copyOf(stagePasses));
            i += bodies.size();
        }
        Kernel map = KernelBuilder.fromExpr(List.copyOf(allNames), List.copyOf(allTypes),
                new Expr(RowText.substitute(main, renumber), false, allNames));
        return new RowPlan(u, List.copyOf(stages), map);
    }

    private static Kernel reduce(List<String> names, List<DType> types, Node body, Reduction r) {
        return KernelBuilder.fromExpr(names, types, new Expr(body, false, names)).reduce(r);
    }
}
