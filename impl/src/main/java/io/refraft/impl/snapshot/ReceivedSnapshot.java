package io.refraft.impl.snapshot;

import java.nio.file.Path;

/**
 * A snapshot that arrived whole: every chunk's CRC32C and the file's matched, and the file and its
 * directory entry are fsynced. The consumer owns {@code file} from now on and must move it out of
 * the receiver's directory or delete it (the receiver deletes what it finds there when it starts).
 *
 * @param from the sending peer, as its transport handshake proved it
 * @param transferId the sender's number for the transfer
 * @param request the bytes the sender gave with the file (an encoded InstallSnapshotRequest)
 * @param file the verified file
 */
public record ReceivedSnapshot(String from, long transferId, byte[] request, Path file) {}
