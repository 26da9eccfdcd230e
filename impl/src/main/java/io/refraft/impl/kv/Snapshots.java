package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The canonical encoding of a {@link KvStateMachine}'s state, version 1:
 * {@code {"v":1,"applied":N,"clock":T,"data":{key:value,...},"sessions":[{"c":..,"q":..,"active":..,"result":{..}},...]}},
 * keys in {@link String#compareTo} order, sessions by client id, a register as a string and a
 * list as an array. Two replicas that applied the same log produce the same bytes, which is what
 * the determinism tests compare (and what a future InstallSnapshot would ship).
 */
final class Snapshots {
  private Snapshots() {}

  static byte[] encode(long applied, long clock, Map<String, Value> data, Map<Long, Sessions.Session> sessions) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = CommandCodec.factory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", 1);
      g.writeNumberField("applied", applied);
      g.writeNumberField("clock", clock);
      g.writeObjectFieldStart("data");
      for (Map.Entry<String, Value> e : data.entrySet()) {
        g.writeFieldName(e.getKey());
        CommandCodec.writeValue(g, e.getValue());
      }
      g.writeEndObject();
      g.writeArrayFieldStart("sessions");
      for (Sessions.Session s : sessions.values()) {
        g.writeStartObject();
        g.writeNumberField("c", s.clientId());
        g.writeNumberField("q", s.lastSeq());
        g.writeNumberField("active", s.lastActive());
        g.writeFieldName("result");
        ResultCodec.write(g, s.lastResult());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does no I/O
    }
    return out.toByteArray();
  }
}
