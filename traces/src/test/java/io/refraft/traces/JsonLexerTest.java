package io.refraft.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonLexer} against Jackson's parser: the same tokens, texts, names and integers on
 * hand-picked and seeded random documents, and rejection of what RFC 8259 does not allow.
 */
class JsonLexerTest {

  private static List<String> lexer(String doc) {
    byte[] b = doc.getBytes(StandardCharsets.UTF_8);
    JsonLexer l = new JsonLexer();
    l.reset(b, 0, b.length);
    List<String> out = new ArrayList<>();
    for (JsonToken t = l.nextToken(); t != null; t = l.nextToken()) {
      out.add(describe(t, l.currentName(), t == JsonToken.VALUE_STRING ? l.getText() : null,
          t == JsonToken.VALUE_NUMBER_INT && !l.isBig() ? l.getLongValue() : null));
    }
    assertTrue(l.atEnd(), "only whitespace after the value: " + doc);
    return out;
  }

  private static List<String> jackson(String doc) throws Exception {
    List<String> out = new ArrayList<>();
    try (JsonParser p = TraceWriter.JSON.createParser(doc.getBytes(StandardCharsets.UTF_8))) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        boolean big = t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.BIG_INTEGER;
        out.add(describe(t, t == JsonToken.FIELD_NAME ? p.currentName() : null,
            t == JsonToken.VALUE_STRING ? p.getText() : null,
            t == JsonToken.VALUE_NUMBER_INT && !big ? p.getLongValue() : null));
      }
    }
    return out;
  }

  private static String describe(JsonToken t, String name, String text, Long number) {
    return switch (t) {
      case FIELD_NAME -> "name:" + name;
      case VALUE_STRING -> "string:" + text;
      case VALUE_NUMBER_INT -> "int:" + (number == null ? "big" : number);
      default -> t.name();
    };
  }

  @Test
  void hand_picked_documents_tokenize_as_jackson_does() throws Exception {
    for (String doc : List.of("{}", "[]", "{\"a\":[1,-2,0,3.5,-0.1e3,1E+2,true,false,null,{}]}",
        " { \"term\" : 9223372036854775807 , \"x\" : -9223372036854775808 , \"y\" : 9223372036854775808 } ",
        "{\"s\":\"tab\\t nl\\n quote\\\" slash\\/ back\\\\ u\\u00e9\\u20ac\"}", "{\"é\":\"€ 𝄞 ü\"}",
        "{\"type\":\"AppendEntriesRequest\",\"entries\":[{\"term\":1,\"type\":\"Data\",\"data\":\"AAE=\"}]}")) {
      assertEquals(jackson(doc), lexer(doc), doc);
    }
  }

  @Test
  void what_rfc_8259_forbids_is_rejected() {
    for (String doc : List.of("{nope}", "{\"a\":1,}", "[1,]", "[,1]", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":-}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":\"\\x\"}", "{\"a\":\"\t\"}", "{\"a\":1 \"b\":2}",
        "{\"a\":[1}", "{'a':1}", "{\"a\":NaN}", "{\"a\":1e}", "{\"a\":\"\\u12G4\"}")) {
      LineParser.Bad e = assertThrows(LineParser.Bad.class, () -> lexer(doc), doc);
      assertTrue(e.getMessage().startsWith("not valid JSON"), e.getMessage());
    }
    byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0x80, '"', '}'};
    JsonLexer l = new JsonLexer();
    l.reset(badUtf8, 0, badUtf8.length);
    assertThrows(LineParser.Bad.class, () -> {
      for (JsonToken t = l.nextToken(); t != null; t = l.nextToken()) {
        // reading on until the overlong encoding is met
      }
    });
  }

  @Test
  void a_value_cut_off_reports_the_end_of_input() {
    for (String doc : List.of("{\"a\":", "{\"a\":\"xy", "{\"a\":[1,2", "{\"a\":tr", "{\"a\":12")) {
      byte[] b = doc.getBytes(StandardCharsets.UTF_8);
      JsonLexer l = new JsonLexer();
      l.reset(b, 0, b.length);
      assertThrows(LineParser.Bad.class, () -> {
        for (JsonToken t = l.nextToken(); t != null; t = l.nextToken()) {
          // reading on to the end
        }
      }, doc);
      assertTrue(l.endOfInput() || doc.endsWith("12"), doc);
    }
  }

  @Test
  void random_documents_tokenize_as_jackson_does() throws Exception {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("JsonLexerTest seed=" + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      value(r, sb, 0);
      String doc = sb.toString();
      assertEquals(jackson(doc), lexer(doc), "seed " + seed + ": " + doc);
    }
  }

  private static final String[] CHARS = {"a", "Z", "0", " ", "\\\"", "\\\\", "\\n", "\\u0041", "é",
      "€", "𝄞", "/", "\\/", "term", "lastLogIndex"};

  private static void value(SplittableRandom r, StringBuilder sb, int depth) {
    int kind = r.nextInt(depth > 3 ? 4 : 6);
    switch (kind) {
      case 0 -> string(r, sb);
      case 1 -> sb.append(r.nextBoolean() ? r.nextLong() : r.nextInt(1000) - 500);
      case 2 -> sb.append(r.nextBoolean() ? "true" : r.nextBoolean() ? "false" : "null");
      case 3 -> sb.append(r.nextInt(100)).append('.').append(r.nextInt(100)).append(r.nextBoolean() ? "e-3" : "");
      case 4 -> {
        sb.append('[');
        for (int k = r.nextInt(4); k > 0; k--) {
          value(r, sb, depth + 1);
          sb.append(k > 1 ? "," : "");
        }
        sb.append(']');
      }
      default -> {
        sb.append("{ ");
        for (int k = r.nextInt(4); k > 0; k--) {
          string(r, sb);
          sb.append(r.nextBoolean() ? ":" : " : ");
          value(r, sb, depth + 1);
          sb.append(k > 1 ? "," : "");
        }
        sb.append('}');
      }
    }
  }

  private static void string(SplittableRandom r, StringBuilder sb) {
    sb.append('"');
    for (int k = r.nextInt(6); k > 0; k--) {
      sb.append(CHARS[r.nextInt(CHARS.length)]);
    }
    sb.append('"');
  }
}
