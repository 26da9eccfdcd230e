package io.refraft.impl.http;

import java.io.IOException;

/** Answers one request. Runs on the connection's thread; may block (it is a virtual thread). */
@FunctionalInterface
public interface Handler {
  /**
   * Must call one of {@code response.send(...)} exactly once; if it returns without doing so, or
   * throws a {@link RuntimeException} before, the server answers 500. {@code request} is valid only
   * during the call.
   */
  void handle(Request request, Response response) throws IOException;
}
