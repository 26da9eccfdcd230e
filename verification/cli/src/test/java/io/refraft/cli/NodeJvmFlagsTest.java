package io.refraft.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.refraft.verification.harness.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node started with {@code bin/refraft node} and one started by {@code refraft cluster} run with
 * the same JVM flags, so a figure taken on either is what the other gives.
 */
class NodeJvmFlagsTest {
  private static final Path SCRIPT = Path.of("../../bin/refraft");

  @Test
  void bin_refraft_node_uses_the_flags_refraft_cluster_starts_nodes_with() throws Exception {
    String script = Files.readString(SCRIPT);
    Matcher m = Pattern.compile("(?m)^\\s*node\\)\\s*\\n(?:\\s*#.*\\n|\\s*cp_file=.*\\n)*\\s*jvm_opts=\\(([^)]*)\\)")
        .matcher(script);
    if (!m.find()) {
      throw new AssertionError(SCRIPT + ": no 'node)' case setting jvm_opts=(...)");
    }
    List<String> flags = Arrays.asList(m.group(1).trim().split("\\s+"));
    assertEquals(LocalCluster.NODE_JVM, flags);
  }
}
