package io.refraft.traces;

import io.refraft.spec.Message;

/** The {@code type} tag of each message kind: the spec record's simple name. */
final class MessageTypes {
  private MessageTypes() {}

  static String name(Message m) {
    return switch (m) {
      case Message.RequestVoteRequest r -> "RequestVoteRequest";
      case Message.RequestVoteResponse r -> "RequestVoteResponse";
      case Message.AppendEntriesRequest r -> "AppendEntriesRequest";
      case Message.AppendEntriesResponse r -> "AppendEntriesResponse";
      case Message.InstallSnapshotRequest r -> "InstallSnapshotRequest";
      case Message.InstallSnapshotResponse r -> "InstallSnapshotResponse";
      case Message.TimeoutNow r -> "TimeoutNow";
    };
  }
}
