package io.refraft.verification.history;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the reference histories (the {@code refraft.refdata} folder Surefire passes in). */
public final class RefData {
  private RefData() {}

  /** The refdata folder, or skips the calling test saying why. */
  public static Path root() {
    String dir = System.getProperty("refraft.refdata");
    assumeTrue(dir != null, "system property refraft.refdata not set: reference histories unavailable, skipping");
    Path p = Path.of(dir);
    assumeTrue(Files.isDirectory(p), "reference histories folder " + p + " absent, skipping");
    return p;
  }
}
