package io.refraft.impl.planted;

import io.refraft.impl.kv.Command;
import io.refraft.impl.kv.CommandCodec;
import io.refraft.impl.kv.InvalidCommandException;
import io.refraft.impl.node.StateMachine;

/**
 * The {@code no-session} bug ({@link InjectedBug#NO_SESSION}): the service gets every committed
 * command without its session tag, so a retried request is applied a second time instead of being
 * answered from the session (thesis §6.3). Commands without a tag, and payloads that are not
 * commands, pass unchanged.
 */
final class NoSession implements StateMachine {
  private final StateMachine service;
  private final InjectedBug.Fired fired;

  NoSession(StateMachine service, InjectedBug.Fired fired) {
    this.service = service;
    this.fired = fired;
  }

  @Override
  public void apply(long index, byte[] command) {
    byte[] stripped = withoutSession(command);
    if (stripped != command) {
      fired.once();
    }
    service.apply(index, stripped);
  }

  @Override
  public byte[] snapshot() {
    return service.snapshot();
  }

  @Override
  public void restore(long index, byte[] snapshot) throws java.io.IOException {
    service.restore(index, snapshot);
  }

  static byte[] withoutSession(byte[] command) {
    Command c;
    try {
      c = CommandCodec.decode(command);
    } catch (InvalidCommandException e) {
      return command; // the service answers it as invalid, as it would have
    }
    return c.session().isEmpty() ? command : CommandCodec.encode(Command.of(c.time(), c.op()));
  }
}
