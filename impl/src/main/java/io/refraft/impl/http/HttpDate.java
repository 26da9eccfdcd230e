package io.refraft.impl.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header line, formatted once per second. RFC 9110 §6.6.1: an origin server with a
 * clock must send Date in 2xx, 3xx and 4xx responses, as an IMF-fixdate (two-digit day, GMT), which
 * {@link DateTimeFormatter#RFC_1123_DATE_TIME} is not (it prints "7 Nov").
 */
final class HttpDate {
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private record Line(long second, byte[] bytes) {}

  private static volatile Line current = new Line(Long.MIN_VALUE, new byte[0]);

  private HttpDate() {}

  /** {@code "Date: Fri, 27 Nov 2026 12:00:00 GMT\r\n"} for the current second. */
  static byte[] headerLine(long nowMillis) {
    long second = Math.floorDiv(nowMillis, 1000);
    Line l = current;
    if (l.second() != second) {
      // Two threads may format the same second; both results are equal, either may stay.
      l = new Line(second, ("Date: " + format(second) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      current = l;
    }
    return l.bytes();
  }

  static String format(long epochSecond) {
    return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
  }
}
