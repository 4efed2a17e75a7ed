package dev.caffemem.explain;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which run's net each logged net is, where the log does not say it with a solver's "Creating ... net" line (an
 * excerpt, or {@code caffe test}, which builds its one net without one). The net's own printed state says its phase
 * when its block is there; otherwise the order does: Solver::Init builds the train net first, then the test nets in
 * their order (src/caffe/solver.cpp).
 */
final class Roles {
    private static final Pattern PHASE = Pattern.compile("(?m)^state \\{\\s*\\n\\s*phase: (TRAIN|TEST)");

    private Roles() {
    }

    static List<LoggedNet> assign(List<LoggedNet> nets, CaffeLog.Command command) {
        List<LoggedNet> out = new ArrayList<>();
        boolean train = nets.stream().anyMatch(n -> n.role() == LoggedNet.Role.TRAIN);
        int nextTest = nets.stream().filter(n -> n.role() == LoggedNet.Role.TEST).mapToInt(LoggedNet::testNet)
                .max().orElse(-1) + 1;
        for (LoggedNet n : nets) {
            if (n.role() != LoggedNet.Role.UNKNOWN) {
                out.add(n);
                continue;
            }
            String phase = phase(n);
            if (command == CaffeLog.Command.TEST) {
                out.add(n.withRole(LoggedNet.Role.TEST, -1));
            } else if (!train && !"TEST".equals(phase)) {
                train = true;
                out.add(n.withRole(LoggedNet.Role.TRAIN, -1));
            } else {
                out.add(n.withRole(LoggedNet.Role.TEST, nextTest++));
            }
        }
        return out;
    }

    /** The phase in a net's printed state ("state { phase: TEST ... }"), or null. */
    static String phase(LoggedNet n) {
        if (n.block() == null) {
            return null;
        }
        Matcher m = PHASE.matcher(n.block().text());
        return m.find() ? m.group(1) : null;
    }
}
