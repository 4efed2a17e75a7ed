package dev.caffemem.explain;

import dev.caffemem.net.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows {@code Net::Init}'s lines (src/caffe/net.cpp) through a log: which net is being built, each layer's top
 * shapes and running "Memory required for data" figure. A net starts at "Initializing net from parameters:", at the
 * first "Creating Layer" after a solver's "Creating ... net" line or a finished net, or (in an excerpt that shows
 * no such line) when its first layer's name comes again. A name may come twice within one net (Caffe 1.0 does not
 * refuse it: mnist_autoencoder has two layers "loss"), so layers are kept in order, not by name.
 */
final class NetSetups {
    private static final Pattern CREATING = Pattern.compile("^Creating Layer (\\S+)$");
    private static final Pattern WIRE = Pattern.compile("^(\\S+) (?:<-|->) \\S+$");
    private static final Pattern SETTING_UP = Pattern.compile("^Setting up (\\S+)$");
    private static final Pattern TOP_SHAPE = Pattern.compile("^Top shape: ([\\d ]*)\\((\\d+)\\)$");
    private static final Pattern MEMORY = Pattern.compile("^Memory required for data: (-?\\d+)$");
    private static final Pattern WIRING = Pattern.compile(
            "(?:needs|does not need) backward computation\\.$|^This network produces output ");

    private final List<LoggedNet> nets = new ArrayList<>();
    private LoggedNet.Role pendingRole;
    private int pendingTest = -1;
    private Builder current;

    /** The net being set up. */
    private static final class Builder {
        LoggedNet.Role role;
        int testNet;
        LoggedNet.Block block;
        final List<LayerBuilder> layers = new ArrayList<>();
        LayerBuilder layer;

        /** The latest layer of this name, or null. */
        LayerBuilder named(String name) {
            for (int i = layers.size() - 1; i >= 0; i--) {
                if (layers.get(i).name.equals(name)) {
                    return layers.get(i);
                }
            }
            return null;
        }
        boolean complete;
    }

    private static final class LayerBuilder {
        final String name;
        final int line;
        final List<Shape> shapes = new ArrayList<>();
        long memoryBytes = -1;
        int memoryLine = -1;

        LayerBuilder(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    /** A solver line that names the net it builds next. */
    void expect(LoggedNet.Role role, int testNet) {
        finish();
        pendingRole = role;
        pendingTest = testNet;
    }

    /** "Initializing net from parameters:" with its block: a new net. */
    void netBlock(LoggedNet.Block block) {
        finish();
        start().block = block;
    }

    /**
     * A net.cpp line: returns the event it makes, or null if it is none of Net::Init's.
     */
    LogEvent read(GlogLine g) {
        String msg = g.message();
        Matcher m = CREATING.matcher(msg);
        if (m.matches()) {
            if (current == null || current.complete
                    || !current.layers.isEmpty() && current.layers.get(0).name.equals(m.group(1))) {
                finish();
                start();
            }
            return layerStart(g, m.group(1));
        }
        if (current == null) {
            return null;
        }
        if ((m = WIRE.matcher(msg)).matches() && current.named(m.group(1)) != null) {
            return event(LogEvent.Kind.LAYER_START, g, m.group(1));
        }
        if ((m = SETTING_UP.matcher(msg)).matches()) {
            LayerBuilder named = current.named(m.group(1));
            current.layer = named != null ? named : add(m.group(1), g);
            return event(LogEvent.Kind.LAYER_DONE, g, current.layer.name);
        }
        if (current.layer != null && (m = TOP_SHAPE.matcher(msg)).matches()) {
            current.layer.shapes.add(shape(m.group(1)));
            return event(LogEvent.Kind.LAYER_DONE, g, current.layer.name);
        }
        if (current.layer != null && (m = MEMORY.matcher(msg)).matches()) {
            current.layer.memoryBytes = Long.parseLong(m.group(1));
            current.layer.memoryLine = g.number();
            return event(LogEvent.Kind.LAYER_DONE, g, current.layer.name);
        }
        if (WIRING.matcher(msg).find()) {
            return event(LogEvent.Kind.NET_WIRING, g, null);
        }
        if (msg.equals("Network initialization done.")) {
            current.complete = true;
            LogEvent e = event(LogEvent.Kind.NET_DONE, g, null);
            finish();
            return e;
        }
        return null;
    }

    /** Every net seen, the one in progress included. */
    List<LoggedNet> nets() {
        finish();
        return List.copyOf(nets);
    }

    private LogEvent layerStart(GlogLine g, String name) {
        current.layer = add(name, g);
        return event(LogEvent.Kind.LAYER_START, g, name);
    }

    private LayerBuilder add(String name, GlogLine g) {
        LayerBuilder l = new LayerBuilder(name, g.number());
        current.layers.add(l);
        return l;
    }

    private LogEvent event(LogEvent.Kind kind, GlogLine g, String layer) {
        // the net by its index: which of the run's nets it is may be known only once the log is read (Roles)
        return new LogEvent(kind, g, nets.size(), layer, -1, -1);
    }

    private Builder start() {
        current = new Builder();
        current.role = pendingRole != null ? pendingRole : LoggedNet.Role.UNKNOWN;
        current.testNet = pendingRole == LoggedNet.Role.TEST ? pendingTest : -1;
        pendingRole = null;
        pendingTest = -1;
        return current;
    }

    private void finish() {
        if (current == null) {
            return;
        }
        List<LoggedNet.Layer> layers = new ArrayList<>();
        for (LayerBuilder l : current.layers) {
            layers.add(new LoggedNet.Layer(l.name, l.line, l.shapes, l.memoryBytes, l.memoryLine));
        }
        nets.add(new LoggedNet(current.role, current.testNet, current.block, layers, current.complete));
        current = null;
    }

    /** "32 3 224 224 " or "" (a scalar, logged as "(1)"). */
    private static Shape shape(String dims) {
        String t = dims.trim();
        if (t.isEmpty()) {
            return Shape.scalar();
        }
        List<Long> d = new ArrayList<>();
        for (String s : t.split(" +")) {
            d.add(Long.parseLong(s));
        }
        return Shape.of(d);
    }
}
