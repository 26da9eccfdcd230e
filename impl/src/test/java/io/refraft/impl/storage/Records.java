package io.refraft.impl.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test records whose payload bytes are a function of (index, term, size), so any mix-up shows. */
final class Records {

  private Records() {}

  static LogRecord record(long index, long term, int size) {
    byte[] payload = new byte[size];
    SplittableRandom r = new SplittableRandom(index * 31 + term);
    r.nextBytes(payload);
    return new LogRecord(index, term, payload);
  }

  /** Records {@code from..to} inclusive, all in {@code term}, of {@code size} bytes each. */
  static List<LogRecord> range(long from, long to, long term, int size) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(record(i, term, size));
    }
    return out;
  }
}
