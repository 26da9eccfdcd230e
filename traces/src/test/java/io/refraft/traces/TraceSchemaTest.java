package io.refraft.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.refraft.spec.Action;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The JSON Schema names exactly what the code reads: actions, roles, inputs, messages, payloads. */
class TraceSchemaTest {
  private static JsonNode defs;

  @BeforeAll
  static void load() throws Exception {
    try (InputStream in = TraceSchemaTest.class.getResourceAsStream("trace.schema.json")) {
      assertNotNull(in, "trace.schema.json is on the class path beside the reader");
      JsonNode schema = new ObjectMapper().readTree(in);
      assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema").asText());
      defs = schema.get("$defs");
    }
  }

  private static TreeSet<String> texts(JsonNode array) {
    TreeSet<String> out = new TreeSet<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static TreeSet<String> constTypes(String def) {
    return consts(def, "type");
  }

  private static TreeSet<String> consts(String def, String tag) {
    TreeSet<String> out = new TreeSet<>();
    defs.get(def).get("oneOf").forEach(n -> out.add(n.get("properties").get(tag).get("const").asText()));
    return out;
  }

  private static TreeSet<String> simpleNames(Class<?> sealed) {
    TreeSet<String> out = new TreeSet<>();
    for (Class<?> c : sealed.getPermittedSubclasses()) {
      out.add(c.getSimpleName());
    }
    return out;
  }

  @Test
  void actions_are_the_spec_actions() {
    TreeSet<String> spec = new TreeSet<>();
    Arrays.stream(Action.values()).forEach(a -> spec.add(a.name()));
    assertEquals(spec, texts(defs.get("Action").get("enum")));
  }

  @Test
  void roles_inputs_messages_and_payloads_match_the_records() {
    TreeSet<String> roles = new TreeSet<>();
    Arrays.stream(StateSummary.RoleName.values()).forEach(r -> roles.add(r.name()));
    assertEquals(roles, texts(defs.get("State").get("properties").get("role").get("enum")));
    List<String> inputs = new ArrayList<>();
    for (Class<?> c : TraceInput.class.getPermittedSubclasses()) {
      inputs.add(c.getSimpleName());
    }
    assertEquals(new TreeSet<>(inputs), constTypes("Input"));
    List<String> messages = new ArrayList<>();
    for (Class<?> c : io.refraft.spec.Message.class.getPermittedSubclasses()) {
      messages.add(c.getSimpleName());
    }
    assertEquals(new TreeSet<>(messages), constTypes("Message"));
    List<String> payloads = new ArrayList<>();
    for (Class<?> c : io.refraft.spec.Payload.class.getPermittedSubclasses()) {
      payloads.add(c.getSimpleName());
    }
    assertEquals(new TreeSet<>(payloads), constTypes("Payload"));
    assertEquals(new TreeSet<>(payloads), constTypes("Entry"));
    assertEquals(simpleNames(ReadAnswer.class), consts("ReadAnswer", "result"));
  }

  /** The ReadIndex round is optional (0 when absent) on both AppendEntries messages and on no other. */
  @Test
  void round_is_an_optional_field_of_append_entries_only() {
    for (JsonNode alt : defs.get("Message").get("oneOf")) {
      String type = alt.get("properties").get("type").get("const").asText();
      boolean ae = type.startsWith("AppendEntries");
      assertEquals(ae, alt.get("properties").has("round"), type + " has round");
      assertEquals(false, texts(alt.get("required")).contains("round"), type + " requires round");
      if (ae) {
        assertEquals(0, alt.get("properties").get("round").get("default").asInt());
      }
    }
  }

  /** Revision 6: the transfer flag is optional (false when absent) on RequestVoteRequest and on no other message. */
  @Test
  void transfer_is_an_optional_field_of_request_vote_requests_only() {
    for (JsonNode alt : defs.get("Message").get("oneOf")) {
      String type = alt.get("properties").get("type").get("const").asText();
      assertEquals(type.equals("RequestVoteRequest"), alt.get("properties").has("transfer"), type + " has transfer");
      assertEquals(false, texts(alt.get("required")).contains("transfer"), type + " requires transfer");
    }
    assertEquals(false, defs.get("Header").get("required").toString().contains("joining"));
    assertEquals(texts(defs.get("ConfigurationFields").get("required")),
        new TreeSet<>(ConfigurationFields.NAMES), "the schema requires exactly the configuration fields the reader needs");
  }
}
