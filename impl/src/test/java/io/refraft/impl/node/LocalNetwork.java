package io.refraft.impl.node;

import io.refraft.impl.net.Transport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** In-memory transports for driver tests: messages wait until {@link #deliverAll()}. */
final class LocalNetwork {
  private record InFlight(String from, String to, byte[] payload) {}

  private final Map<String, Transport.Receiver> receivers = new HashMap<>();
  private final List<InFlight> inFlight = new ArrayList<>();
  private final Set<String> isolated = new HashSet<>();
  /** Blocked links "a b" (as Transport.blockPeer: both directions of one pair). */
  private final Set<String> blockedLinks = new HashSet<>();

  Transport transport(String self) {
    return new Transport() {
      @Override
      public void start(Receiver receiver) {
        receivers.put(self, receiver);
      }

      @Override
      public void send(String to, byte[] payload) {
        inFlight.add(new InFlight(self, to, payload));
      }

      @Override
      public void blockPeer(String peer, boolean blocked) {
        if (blocked) {
          blockedLinks.add(link(self, peer));
        } else {
          blockedLinks.remove(link(self, peer));
        }
      }

      @Override
      public boolean connected(String peer) {
        return true;
      }

      @Override
      public void close() {}
    };
  }

  void isolate(String node, boolean on) {
    if (on) {
      isolated.add(node);
    } else {
      isolated.remove(node);
    }
  }

  private static String link(String a, String b) {
    return a.compareTo(b) < 0 ? a + " " + b : b + " " + a;
  }

  /** How many messages are in flight. */
  int inFlight() {
    return inFlight.size();
  }

  /** Hands every message in flight to its receiver; those to or from an isolated node are lost. */
  void deliverAll() {
    List<InFlight> now = new ArrayList<>(inFlight);
    inFlight.clear();
    for (InFlight m : now) {
      Transport.Receiver r = receivers.get(m.to());
      if (r != null && !isolated.contains(m.from()) && !isolated.contains(m.to())
          && !blockedLinks.contains(link(m.from(), m.to()))) {
        r.receive(m.from(), m.payload());
      }
    }
  }
}
