package io.refraft.cli;

import io.refraft.spec.NodeId;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parsing of the address arguments of {@code node}, {@code cluster} and {@code status}. */
final class Addresses {
  private Addresses() {}

  /** {@code host:port}, naming {@code option} in the error. */
  static InetSocketAddress hostPort(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new UserError(option + ": expected HOST:PORT, got '" + value + "'");
    }
    String host = value.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UserError(option + ": port in '" + value + "' is not a number");
    }
    if (port < 0 || port > 65_535) {
      throw new UserError(option + ": port " + port + " in '" + value + "' is outside 0..65535");
    }
    InetSocketAddress a = new InetSocketAddress(host, port);
    if (a.isUnresolved()) {
      throw new UserError(option + ": host '" + host + "' in '" + value + "' cannot be resolved");
    }
    return a;
  }

  /** {@code id=value,id=value,...} with distinct valid ids, in the given order. */
  static Map<NodeId, String> idList(String option, String value) {
    Map<NodeId, String> out = new LinkedHashMap<>();
    if (value.isBlank()) {
      throw new UserError(option + ": empty list");
    }
    for (String item : value.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq <= 0 || eq == item.length() - 1) {
        throw new UserError(option + ": expected ID=ADDRESS, got '" + item + "' in '" + value + "'");
      }
      NodeId id;
      try {
        id = NodeId.of(item.substring(0, eq));
      } catch (IllegalArgumentException e) {
        throw new UserError(option + ": " + e.getMessage());
      }
      if (out.put(id, item.substring(eq + 1)) != null) {
        throw new UserError(option + ": node " + id + " appears twice");
      }
    }
    return out;
  }

  /** {@code MIN-MAX} in milliseconds. */
  static long[] range(String option, String value) {
    String[] parts = value.split("-", -1);
    try {
      if (parts.length == 2) {
        long min = Long.parseLong(parts[0].trim());
        long max = Long.parseLong(parts[1].trim());
        if (min > 0 && max >= min) {
          return new long[] {min, max};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UserError(option + ": expected MIN-MAX milliseconds with 0 < MIN <= MAX, got '" + value + "'");
  }
}
