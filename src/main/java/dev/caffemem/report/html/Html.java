package dev.caffemem.report.html;

import java.util.Locale;

/**
 * Text into HTML. Names in a report come from the user's prototxt and may hold any character, so every piece of
 * text goes through {@link #text}. The page is also well-formed XML (every element closed, attributes quoted),
 * which lets a test read it with an XML parser.
 */
final class Html {

    private Html() {
    }

    /** Text content or an attribute value, escaped. */
    static String text(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> {
                    // control characters other than tab and newline are not allowed in XML text
                    if (c < 0x20 && c != '\t' && c != '\n') {
                        sb.append("\\u").append(String.format(Locale.ROOT, "%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }

    /** {@code <tag class="cls">escaped text</tag>}; no class when {@code cls} is null. */
    static String element(String tag, String cls, String text) {
        return "<" + tag + (cls == null ? "" : " class=\"" + cls + "\"") + ">" + text(text) + "</" + tag + ">";
    }
}
