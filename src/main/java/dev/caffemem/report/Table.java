package dev.caffemem.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain table rendered as aligned text or as Markdown; numeric columns are right-aligned. Aligned text
 * pads every row to the widest cell of its column, so one long cell (a 10 MiB layer name, the top list of
 * a 10,000-way split) would make every row that long: text cells are cut at {@link #MAX_TEXT_CELL}
 * characters. Markdown is not padded and keeps cells whole, as JSON and CSV do.
 */
public final class Table {
    /** Wider than any cell of the validation corpus's nets (the widest, 318, lists a GoogLeNet split's tops). */
    public static final int MAX_TEXT_CELL = 400;
    private static final String CUT = "...";
    private final List<String> headers;
    private final boolean[] rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(List<String> headers, boolean... rightAligned) {
        this.headers = List.copyOf(headers);
        this.rightAligned = rightAligned.length == headers.size() ? rightAligned : new boolean[headers.size()];
    }

    public Table row(List<String> cells) {
        rows.add(List.copyOf(cells));
        return this;
    }

    public Table row(String... cells) {
        return row(List.of(cells));
    }

    public String text() {
        List<List<String>> cut = rows.stream().map(r -> r.stream().map(Table::cut).toList()).toList();
        int[] widths = widths(cut);
        StringBuilder sb = new StringBuilder();
        line(sb, headers, widths);
        for (List<String> r : cut) {
            line(sb, r, widths);
        }
        return sb.toString();
    }

    private static String cut(String cell) {
        return cell.length() <= MAX_TEXT_CELL ? cell : cell.substring(0, MAX_TEXT_CELL - CUT.length()) + CUT;
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", escape(headers))).append(" |\n|");
        for (boolean right : rightAligned) {
            sb.append(right ? "---:|" : "---|");
        }
        sb.append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", escape(r))).append(" |\n");
        }
        return sb.toString();
    }

    private static List<String> escape(List<String> cells) {
        return cells.stream().map(c -> c.replace("|", "\\|")).toList();
    }

    private int[] widths(List<List<String>> cells) {
        int[] w = new int[headers.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = headers.get(i).length();
            for (List<String> r : cells) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        return w;
    }

    private void line(StringBuilder sb, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            String pad = " ".repeat(widths[i] - c.length());
            line.append(rightAligned[i] ? pad + c : c + pad);
            if (i < cells.size() - 1) {
                line.append("  ");
            }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }
}
