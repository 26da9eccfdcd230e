package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The summary-line schema as docs/json.md writes it, read from that page's tables, so the page and
 * the code cannot drift apart: {@link #assertConforms} fails on a field the page does not list, a
 * listed field that is missing (unless marked optional) or of another type, and a {@code valid} that
 * disagrees with {@code exit}.
 */
final class SummarySchema {
  static final Path DOC = Path.of("..", "..", "docs", "json.md");
  private static final Pattern HEADING = Pattern.compile("^### refraft (.+)$");
  private static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\| ([^|]+) \\|");
  private static final Map<String, Map<String, String>> COMMANDS = parse();

  private SummarySchema() {}

  private static Map<String, Map<String, String>> parse() {
    List<String> lines;
    try {
      lines = Files.readAllLines(DOC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    String current = null;
    for (String line : lines) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        current = h.group(1).strip();
        out.put(current, new LinkedHashMap<>());
      } else if (line.startsWith("## ")) {
        current = null;
      }
      Matcher r = ROW.matcher(line);
      if (current != null && r.find()) {
        out.get(current).put(r.group(1), r.group(2).strip());
      }
    }
    return out;
  }

  /** The fields docs/json.md lists for {@code command} ("check", "spec check", ...), by name, with their type. */
  static Map<String, String> fields(String command) {
    Map<String, String> f = COMMANDS.get(command);
    if (f == null || f.isEmpty()) {
      fail("docs/json.md has no table for 'refraft " + command + "' (has: " + COMMANDS.keySet() + ")");
    }
    return f;
  }

  /** Asserts that {@code lastLine} is {@code command}'s summary as docs/json.md describes it; returns it parsed. */
  static JsonNode assertConforms(String command, String lastLine) {
    JsonNode o;
    try {
      o = new ObjectMapper().readTree(lastLine);
    } catch (IOException e) {
      throw new AssertionError("refraft " + command + ": the last line is not JSON: " + lastLine, e);
    }
    assertTrue(o.isObject(), "refraft " + command + ": the last line is not a JSON object: " + lastLine);
    Iterator<String> names = o.fieldNames();
    assertEquals("valid", names.hasNext() ? names.next() : null, "valid comes first: " + lastLine);
    assertEquals("exit", names.hasNext() ? names.next() : null, "exit comes second: " + lastLine);
    JsonNode valid = o.get("valid");
    int exit = o.get("exit").asInt(-1);
    assertTrue(o.get("exit").isInt(), "exit is an integer: " + lastLine);
    if (valid.isBoolean()) {
      assertEquals(valid.asBoolean() ? 0 : 1, exit, "valid and exit agree: " + lastLine);
    } else {
      assertEquals("unknown", valid.asText(), "valid is true, false or \"unknown\": " + lastLine);
      assertTrue(exit == 3 || exit == 2, "\"unknown\" goes with exit 3 (or 2): " + lastLine);
    }
    Map<String, String> doc = fields(command);
    List<String> problems = new ArrayList<>();
    if (!doc.containsKey("*")) {
      o.fieldNames().forEachRemaining(n -> {
        if (!n.equals("valid") && !n.equals("exit") && !doc.containsKey(n)) {
          problems.add("field '" + n + "' is not in docs/json.md");
        }
      });
    }
    doc.forEach((name, type) -> {
      if (name.equals("*")) {
        return;
      }
      boolean optional = type.endsWith(", optional");
      String t = optional ? type.substring(0, type.length() - ", optional".length()) : type;
      if (!o.has(name)) {
        if (!optional) {
          problems.add("field '" + name + "' (" + type + ") is missing");
        }
      } else if (!matches(o.get(name), t)) {
        problems.add("field '" + name + "' is " + o.get(name) + ", not " + t);
      }
    });
    assertTrue(problems.isEmpty(), "refraft " + command + ": " + problems + " in " + lastLine);
    return o;
  }

  private static boolean matches(JsonNode v, String type) {
    for (String alt : type.split(" or ")) {
      boolean ok = switch (alt.strip()) {
        case "boolean" -> v.isBoolean();
        case "integer" -> v.isIntegralNumber();
        case "number" -> v.isNumber();
        case "string" -> v.isTextual();
        case "object" -> v.isObject();
        case "null" -> v.isNull();
        case "any" -> true;
        case "array of strings" -> v.isArray() && allText(v);
        default -> throw new AssertionError("docs/json.md: unknown type word '" + alt + "'");
      };
      if (ok) {
        return true;
      }
    }
    return false;
  }

  private static boolean allText(JsonNode array) {
    for (JsonNode e : array) {
      if (!e.isTextual()) {
        return false;
      }
    }
    return true;
  }
}
