package io.refraft.verification.harness;

import java.io.PrintWriter;

/** Progress lines on stdout, before the final JSON line; safe to call from every thread. */
public final class ProgressLog {
  private final PrintWriter out;

  public ProgressLog(PrintWriter out) {
    this.out = out;
  }

  public synchronized void line(String s) {
    out.println(s);
    out.flush();
  }
}
