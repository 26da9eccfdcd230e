package io.refraft.impl.node;

import io.refraft.impl.codec.MalformedMessageException;
import io.refraft.impl.codec.MessageCodec;
import io.refraft.impl.storage.SnapshotFile;
import io.refraft.impl.storage.StoredSnapshot;
import io.refraft.spec.Message;
import io.refraft.spec.NodeId;
import io.refraft.spec.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A leader's snapshot as the transfer delivered it ({@link Driver#snapshotArrived}): the encoded
 * {@code InstallSnapshotRequest} and the received file, checked against each other before the driver
 * steps the request. Anything that does not fit is dropped with a WARN (the leader sends again).
 *
 * @param seq     the sender's number of the request
 * @param request the request to step
 * @param data    the snapshot's index and the state machine's bytes
 */
record ArrivedSnapshot(long seq, Message.InstallSnapshotRequest request, TurnOutputs.SnapshotData data) {
  private static final Logger LOG = LoggerFactory.getLogger(ArrivedSnapshot.class);

  /** Reads and checks a delivered snapshot; deletes {@code file} (its bytes are in memory then). */
  static Optional<ArrivedSnapshot> read(NodeId self, String from, byte[] request, Path file) {
    try {
      MessageCodec.Envelope e = MessageCodec.decode(request);
      if (!(e.message() instanceof Message.InstallSnapshotRequest r) || !r.from().name().equals(from)
          || !r.to().equals(self)) {
        LOG.warn("{}: a snapshot from {} came with {}, not an InstallSnapshotRequest from it to this node; dropped",
            self, from, e.message());
        return Optional.empty();
      }
      StoredSnapshot s = SnapshotFile.read(file);
      Snapshot inFile = new Snapshot(s.meta().index(), s.meta().term(), s.meta().digest());
      if (!inFile.equals(r.snapshot())) {
        LOG.warn("{}: the snapshot file from {} holds {} (digest {}), its request says {} (digest {}); dropped", self,
            from, inFile, Long.toHexString(inFile.digest()), r.snapshot(), Long.toHexString(r.snapshot().digest()));
        return Optional.empty();
      }
      return Optional.of(new ArrivedSnapshot(e.seq(), r, new TurnOutputs.SnapshotData(inFile.index(), s.body(), true)));
    } catch (MalformedMessageException | IOException | IllegalArgumentException e) {
      LOG.warn("{}: a snapshot from {} does not read: {}; dropped", self, from, e.getMessage());
      return Optional.empty();
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("{}: cannot delete the received snapshot file {}: {}", self, file, e.getMessage());
      }
    }
  }
}
