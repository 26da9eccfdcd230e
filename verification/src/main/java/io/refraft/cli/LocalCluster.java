package io.refraft.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * N node processes on the loopback interface, each a separate JVM running {@code refraft node} with
 * the same java and class path as this process. Node {@code i} (0-based) is {@code n<i+1>}, serves
 * clients on {@code clientPorts[i]} and peers on {@code peerPorts[i]}, keeps its data in
 * {@code dir/n<i+1>} and its output in {@code dir/n<i+1>.log}. Nodes are started with
 * {@code --exit-with-parent}, so none outlives this process even when it is killed with SIGKILL.
 */
final class LocalCluster implements AutoCloseable {
  private final Path dir;
  private final int[] clientPorts;
  private final int[] peerPorts;
  private final String classPath;
  private final List<String> extraArgs;
  private final Process[] processes;
  private boolean trace;

  LocalCluster(Path dir, int[] clientPorts, int[] peerPorts, String classPath, List<String> extraArgs) {
    if (clientPorts.length != peerPorts.length || clientPorts.length == 0) {
      throw new IllegalArgumentException("one client and one peer port per node");
    }
    this.dir = dir;
    this.clientPorts = clientPorts.clone();
    this.peerPorts = peerPorts.clone();
    this.classPath = classPath;
    this.extraArgs = List.copyOf(extraArgs);
    this.processes = new Process[clientPorts.length];
  }

  /** From the next start on, nodes append their steps to {@code dir/traces/n<i+1>.trace.ndjson}. */
  synchronized void trace(boolean on) {
    trace = on;
  }

  Path traceFile(int i) {
    return traceDir().resolve(id(i) + ".trace.ndjson");
  }

  /** The folder of the nodes' trace files: one run, for {@code refraft verify-trace --run}. */
  Path traceDir() {
    return dir.resolve("traces");
  }

  int size() {
    return processes.length;
  }

  static String id(int i) {
    return "n" + (i + 1);
  }

  String url(int i) {
    return "http://127.0.0.1:" + clientPorts[i];
  }

  Path dataDir(int i) {
    return dir.resolve(id(i));
  }

  Path logFile(int i) {
    return dir.resolve(id(i) + ".log");
  }

  Optional<Process> process(int i) {
    return Optional.ofNullable(processes[i]);
  }

  /** Starts node {@code i}; its output is appended to its log file. */
  synchronized Process start(int i) throws IOException {
    if (processes[i] != null && processes[i].isAlive()) {
      throw new IllegalStateException(id(i) + " is already running");
    }
    Files.createDirectories(dir);
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", classPath, Main.class.getName(), "node", "--id", id(i), "--peers", peers(), "--client",
        "127.0.0.1:" + clientPorts[i], "--data", dataDir(i).toString(), "--peer-clients", clients(),
        "--exit-with-parent"));
    if (trace) {
      cmd.addAll(List.of("--trace", traceFile(i).toString()));
    }
    cmd.addAll(extraArgs);
    File log = logFile(i).toFile();
    processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    return processes[i];
  }

  /** SIGKILL (no shutdown hook runs, nothing unsynced survives), then waits until it is gone. */
  synchronized void kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  private String peers() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < peerPorts.length; i++) {
      sb.append(i == 0 ? "" : ",").append(id(i)).append("=127.0.0.1:").append(peerPorts[i]);
    }
    return sb.toString();
  }

  private String clients() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < clientPorts.length; i++) {
      sb.append(i == 0 ? "" : ",").append(id(i)).append('=').append(url(i));
    }
    return sb.toString();
  }

  /** SIGTERM to every node, up to 10 s for them to close cleanly, then SIGKILL; waits for all. */
  @Override
  public synchronized void close() {
    for (Process p : processes) {
      if (p != null) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p == null) {
        continue;
      }
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          p.waitFor();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
