package io.refraft.verification.view;

/** JSON strings safe inside an HTML script element: '<', '>' and '&' escaped too. */
final class PageText {
  private PageText() {}

  static void jsonString(StringBuilder sb, String s) {
    if (plain(s)) { // the common case (names, types, base64): one bulk copy
      sb.append('"').append(s).append('"');
      return;
    }
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x2028) {
        return false;
      }
    }
    return true;
  }

  static String jsonString(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    jsonString(sb, s);
    return sb.toString();
  }

  /** Text for an HTML element's content. */
  static String text(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
