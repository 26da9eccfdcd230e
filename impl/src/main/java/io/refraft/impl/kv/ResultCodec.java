package io.refraft.impl.kv;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Results as JSON, the body the HTTP API answers with: {@code {"type":T,...}} where T is one of
 * {@code ok}, {@code value}, {@code list}, {@code cas-failed}, {@code txn}, {@code txn-aborted},
 * {@code type-mismatch}, {@code session}, {@code session-expired}, {@code stale-request},
 * {@code invalid}. A committed transaction's {@code value} is its micro-ops in Jepsen's form with
 * reads filled in: {@code [["append","x","1"],["r","x",["0","1"]]]}.
 */
public final class ResultCodec {
  private ResultCodec() {}

  public static byte[] encode(Result r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = CommandCodec.factory().createGenerator(out)) {
      write(g, r);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does no I/O
    }
    return out.toByteArray();
  }

  static void write(JsonGenerator g, Result r) throws IOException {
    g.writeStartObject();
    switch (r) {
      case Result.Done d -> g.writeStringField("type", "ok");
      case Result.RegisterValue v -> {
        g.writeStringField("type", "value");
        g.writeFieldName("value");
        CommandCodec.optional(g, v.value());
      }
      case Result.ListValue l -> {
        g.writeStringField("type", "list");
        g.writeFieldName("value");
        CommandCodec.writeValue(g, new Value.Items(l.elements()));
      }
      case Result.CasFailed c -> {
        g.writeStringField("type", "cas-failed");
        g.writeFieldName("actual");
        CommandCodec.optional(g, c.actual());
      }
      case Result.TxnCommitted t -> {
        g.writeStringField("type", "txn");
        g.writeArrayFieldStart("value");
        for (Result.Completed c : t.completed()) {
          CommandCodec.writeMicro(g, c.op(), c.read());
        }
        g.writeEndArray();
      }
      case Result.TxnAborted a -> {
        g.writeStringField("type", "txn-aborted");
        g.writeNumberField("op", a.opIndex());
        g.writeStringField("reason", a.reason());
      }
      case Result.TypeMismatch m -> {
        g.writeStringField("type", "type-mismatch");
        g.writeStringField("key", m.key());
        g.writeStringField("message", m.message());
      }
      case Result.SessionOpened s -> {
        g.writeStringField("type", "session");
        g.writeNumberField("client", s.clientId());
      }
      case Result.SessionExpired s -> {
        g.writeStringField("type", "session-expired");
        g.writeNumberField("client", s.clientId());
      }
      case Result.StaleRequest s -> {
        g.writeStringField("type", "stale-request");
        g.writeNumberField("client", s.clientId());
        g.writeNumberField("seq", s.seq());
        g.writeNumberField("last", s.lastSeq());
      }
      case Result.Invalid i -> {
        g.writeStringField("type", "invalid");
        g.writeStringField("reason", i.reason());
      }
    }
    g.writeEndObject();
  }
}
