package io.refraft.verification.harness;

import io.refraft.impl.tls.SslContexts;
import io.refraft.impl.tls.ThrowawayCa;
import io.refraft.impl.tls.TlsFileException;
import io.refraft.impl.tls.TlsFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * N node processes on the loopback interface, each a separate JVM running {@code refraft node} with
 * the given java class path. Node {@code i} (0-based) is {@code n<i+1>}, serves clients on
 * {@code clientPorts[i]} and peers on {@code peerPorts[i]}, keeps its data in {@code dir/n<i+1>} and
 * its output in {@code dir/n<i+1>.log}. Nodes are started with {@code --exit-with-parent}, so none
 * outlives this process even when it is killed with SIGKILL.
 *
 * <p>Fault injection on the processes: {@link #kill} (SIGKILL), {@link #stop} (SIGTERM, a clean
 * shutdown), {@link #pause}/{@link #resume} (SIGSTOP/SIGCONT). {@link #close} resumes paused nodes
 * before it stops them: a stopped process cannot act on SIGTERM.
 */
public final class LocalCluster implements AutoCloseable {
  /** The command line's entry point, named rather than referenced: the harness must not depend on the CLI. */
  private static final String MAIN = "io.refraft.cli.Main";
  private static final long STOP_GRACE_SECONDS = 10;
  /**
   * Each node runs in a process group of its own (in this session), through {@code perl -e
   * 'setpgrp; exec @ARGV'} when perl is there (the JDK cannot set a child's group). A node exits
   * with its parent ({@code --exit-with-parent}), but a node paused with SIGSTOP cannot: if this
   * process dies by SIGKILL at that moment, the node's group becomes orphaned, and for a newly
   * orphaned group with a stopped member the kernel sends SIGHUP and SIGCONT (POSIX {@code _exit}),
   * so the node wakes up and exits. In this process's group, which the shell keeps from being
   * orphaned, it would stay stopped. ({@code setsid} does not do: the kernel only signals groups
   * in the exiting parent's session.)
   */
  private static final List<String> OWN_GROUP = Stream.of("/usr/bin/perl", "/bin/perl")
      .filter(f -> Files.isExecutable(Path.of(f))).findFirst()
      .map(perl -> List.of(perl, "-e", "setpgrp(0, 0); exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\";"))
      .orElse(List.of());

  /**
   * The JVM flags a node runs with unless told otherwise, the same as {@code bin/refraft node}'s: C2
   * on (the request path runs compiled by it within seconds) and the serial collector (on 2 shared
   * cores it used less CPU per put than G1: BENCHMARKS.md, "The node"). The young generation is fixed
   * at 384 MiB with survivor spaces of 48 MiB each that may fill to 90 % before objects are promoted
   * early: the in-memory log between two snapshots (100,000 entries of the bench's 100-byte values,
   * about 20 MB) then dies in the survivor spaces instead of being promoted, so the old generation
   * is not filled with dead log entries and the resident set stays flat (BENCHMARKS.md, "Snapshots on
   * a running cluster"). The heap can grow to 1 GiB for a log the snapshot policy lets grow larger.
   */
  public static final String NODE_JVM_FLAGS =
      "-Xms512m -Xmx1g -Xmn384m -XX:SurvivorRatio=6 -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -Xss512k";
  /** {@link #NODE_JVM_FLAGS} as a list. */
  public static final List<String> NODE_JVM = List.of(NODE_JVM_FLAGS.split(" "));
  /**
   * For short runs that restart nodes often (tests, {@code refraft test}): C1 only, so a node
   * answers at full speed of its compiler soon after each start, at a lower peak.
   */
  public static final List<String> FAST_START_JVM = List.of("-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Path dir;
  private final List<String> jvmOptions;
  private final int[] clientPorts;
  private final int[] peerPorts;
  private final String classPath;
  private final List<String> extraArgs;
  private final Process[] processes;
  private final boolean[] paused;
  private boolean trace;
  private Optional<TlsFiles> clientCertificate = Optional.empty();
  private Path caPem;

  /** @param jvmOptions every node's JVM flags, e.g. {@link #NODE_JVM} or {@link #FAST_START_JVM} */
  public LocalCluster(Path dir, int[] clientPorts, int[] peerPorts, String classPath, List<String> jvmOptions,
      List<String> extraArgs) {
    if (clientPorts.length != peerPorts.length || clientPorts.length == 0) {
      throw new IllegalArgumentException("one client and one peer port per node");
    }
    this.dir = dir;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.clientPorts = clientPorts.clone();
    this.peerPorts = peerPorts.clone();
    this.classPath = classPath;
    this.extraArgs = List.copyOf(extraArgs);
    this.processes = new Process[clientPorts.length];
    this.paused = new boolean[clientPorts.length];
  }

  /** From the next start on, nodes append their steps to {@code dir/traces/n<i+1>.trace.ndjson}. */
  public synchronized void trace(boolean on) {
    trace = on;
  }

  /**
   * Makes a throwaway CA in {@code dir/tls} and a certificate for every node and one for clients
   * ({@link ThrowawayCa}); from the next start on, nodes speak mutual TLS to each other and HTTPS
   * with required client certificates, and {@link #url} is https. Clients use {@link #clientTls()}.
   */
  public synchronized void tls() throws IOException {
    Path tlsDir = dir.resolve("tls");
    ThrowawayCa ca = ThrowawayCa.create(tlsDir, "refraft local cluster CA", 30);
    for (int i = 0; i < size(); i++) {
      ca.issue(id(i), 30);
    }
    clientCertificate = Optional.of(ca.issue("client", 30));
    caPem = ca.caPem();
  }

  /** The CA, certificate and key a client of a {@link #tls()} cluster uses; empty without TLS. */
  public synchronized Optional<TlsFiles> clientCertificate() {
    return clientCertificate;
  }

  /** An {@link SSLContext} that trusts the cluster's CA and presents the client certificate. */
  public synchronized Optional<SSLContext> clientTls() {
    if (clientCertificate.isEmpty()) {
      return Optional.empty();
    }
    TlsFiles c = clientCertificate.get();
    try {
      return Optional.of(SslContexts.client(Optional.of(caPem), Optional.of(c.cert()), Optional.of(c.key())));
    } catch (TlsFileException e) {
      throw new IllegalStateException("the certificates just made in " + caPem.getParent() + " do not load: " + e.getMessage(), e);
    }
  }

  public Path traceFile(int i) {
    return traceDir().resolve(id(i) + ".trace.ndjson");
  }

  /** The folder of the nodes' trace files: one run, for {@code refraft verify-trace --run}. */
  public Path traceDir() {
    return dir.resolve("traces");
  }

  public int size() {
    return processes.length;
  }

  public static String id(int i) {
    return "n" + (i + 1);
  }

  public synchronized String url(int i) {
    return (clientCertificate.isPresent() ? "https" : "http") + "://127.0.0.1:" + clientPorts[i];
  }

  public Path dataDir(int i) {
    return dir.resolve(id(i));
  }

  public Path logFile(int i) {
    return dir.resolve(id(i) + ".log");
  }

  public synchronized Optional<Process> process(int i) {
    return Optional.ofNullable(processes[i]);
  }

  /** Whether node {@code i}'s process is running (possibly paused). */
  public synchronized boolean alive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Starts node {@code i}; its output is appended to its log file. */
  public synchronized Process start(int i) throws IOException {
    if (alive(i)) {
      throw new IllegalStateException(id(i) + " is already running");
    }
    Files.createDirectories(dir);
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>();
    cmd.addAll(OWN_GROUP);
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath, MAIN, "node", "--id", id(i), "--peers", peers(), "--client",
        "127.0.0.1:" + clientPorts[i], "--data", dataDir(i).toString(), "--peer-clients", clients(),
        "--exit-with-parent"));
    if (trace) {
      cmd.addAll(List.of("--trace", traceFile(i).toString()));
    }
    if (caPem != null) {
      String cert = caPem.resolveSibling(id(i) + ".pem").toString();
      String key = caPem.resolveSibling(id(i) + ".key").toString();
      cmd.addAll(List.of("--peer-cert", cert, "--peer-key", key, "--peer-trusted-ca", caPem.toString(),
          "--client-cert", cert, "--client-key", key, "--client-trusted-ca", caPem.toString()));
    }
    cmd.addAll(extraArgs);
    File log = logFile(i).toFile();
    processes[i] = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
    paused[i] = false;
    return processes[i];
  }

  /**
   * SIGKILL (no shutdown hook runs, nothing unsynced survives), then waits until it is gone. On
   * Linux {@link Process#destroyForcibly()} sends SIGKILL, and a process killed by a signal reports
   * the exit value 128 + signal: 137.
   *
   * @return the exit value, or -1 when the node was not running
   */
  public synchronized int kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p == null || !p.isAlive()) {
      return -1;
    }
    p.destroyForcibly();
    int code = p.waitFor();
    paused[i] = false;
    return code;
  }

  /**
   * SIGTERM (the node closes cleanly), up to 10 s to exit, then SIGKILL.
   *
   * @return the exit value, or -1 when the node was not running
   */
  public synchronized int stop(int i) throws InterruptedException {
    Process p = processes[i];
    if (p == null || !p.isAlive()) {
      return -1;
    }
    try {
      resume(i);
      p.destroy();
    } catch (IOException e) {
      p.destroyForcibly(); // cannot continue it: a stopped process only dies by SIGKILL
    }
    if (!p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
    return p.waitFor();
  }

  /** SIGSTOP: the process keeps its sockets but does nothing, as under a long GC pause or a VM freeze. */
  public synchronized void pause(int i) throws IOException, InterruptedException {
    if (alive(i) && !paused[i]) {
      signal(processes[i].pid(), "-STOP");
      paused[i] = true;
    }
  }

  /** SIGCONT to a node {@link #pause paused} before; nothing otherwise. */
  public synchronized void resume(int i) throws IOException, InterruptedException {
    if (alive(i) && paused[i]) {
      signal(processes[i].pid(), "-CONT");
    }
    paused[i] = false;
  }

  /** The process id of node {@code i}'s current process. */
  public synchronized long pid(int i) {
    if (processes[i] == null) {
      throw new IllegalStateException(id(i) + " has not been started");
    }
    return processes[i].pid();
  }

  public synchronized boolean paused(int i) {
    return paused[i];
  }

  private static void signal(long pid, String sig) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", sig, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
    if (kill.waitFor() != 0) {
      throw new IOException("kill " + sig + " " + pid + " failed: " + out);
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

  /**
   * Resumes paused nodes, SIGTERM to every node, up to 10 s for them to close cleanly, then SIGKILL;
   * waits for all. Safe to call more than once and from a shutdown hook.
   */
  @Override
  public synchronized void close() {
    for (int i = 0; i < processes.length; i++) {
      try {
        resume(i);
      } catch (IOException e) {
        processes[i].destroyForcibly(); // cannot continue it: a stopped process only dies by SIGKILL
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
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
        if (!p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
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
