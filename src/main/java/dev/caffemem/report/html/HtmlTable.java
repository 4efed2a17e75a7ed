package dev.caffemem.report.html;

import java.util.ArrayList;
import java.util.List;

/** A table for the page: a header, rows of escaped cells, numbers right-aligned, an optional total row. */
final class HtmlTable {
    private final List<String> headers;
    private final boolean[] numeric;
    private final List<List<String>> rows = new ArrayList<>();
    private List<String> total;

    /** @param numeric per column, whether it holds numbers (right-aligned, tabular digits) */
    HtmlTable(List<String> headers, boolean... numeric) {
        if (numeric.length != headers.size()) {
            throw new IllegalArgumentException(headers.size() + " headers, " + numeric.length + " alignments");
        }
        this.headers = List.copyOf(headers);
        this.numeric = numeric.clone();
    }

    HtmlTable row(List<String> cells) {
        rows.add(checked(cells));
        return this;
    }

    HtmlTable row(String... cells) {
        return row(List.of(cells));
    }

    HtmlTable total(String... cells) {
        total = checked(List.of(cells));
        return this;
    }

    private List<String> checked(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException(headers.size() + " columns, " + cells.size() + " cells: " + cells);
        }
        return List.copyOf(cells);
    }

    String html(String cls) {
        StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table class=\"").append(cls).append("\">\n<thead><tr>");
        for (int i = 0; i < headers.size(); i++) {
            sb.append(Html.element("th", numeric[i] ? "n" : null, headers.get(i)));
        }
        sb.append("</tr></thead>\n<tbody>\n");
        rows.forEach(r -> appendRow(sb, r, null));
        if (total != null) {
            appendRow(sb, total, "total");
        }
        return sb.append("</tbody>\n</table></div>\n").toString();
    }

    private void appendRow(StringBuilder sb, List<String> cells, String cls) {
        sb.append(cls == null ? "<tr>" : "<tr class=\"" + cls + "\">");
        for (int i = 0; i < cells.size(); i++) {
            sb.append(Html.element("td", numeric[i] ? "n" : null, cells.get(i)));
        }
        sb.append("</tr>\n");
    }
}
