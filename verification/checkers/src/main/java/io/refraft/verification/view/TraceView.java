package io.refraft.verification.view;

import io.refraft.spec.NodeId;
import io.refraft.spec.NodeState;
import io.refraft.traces.TraceFormatException;
import io.refraft.traces.TraceHeader;
import io.refraft.traces.TraceReader;
import io.refraft.traces.TraceStep;
import io.refraft.traces.TraceWriter;
import io.refraft.verification.trace.Divergence;
import io.refraft.verification.trace.TraceValidator;
import io.refraft.verification.trace.ValidationResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the view of one trace (a self-contained file, or the per-node files of one run) as one
 * self-contained HTML file, validating it on the way: the validator's {@link
 * io.refraft.verification.trace.StepObserver} hands each step to the encoder as it is replayed, so
 * generation is one streaming pass and memory holds what validation holds. The file appears
 * whole or not at all to any reader (a temporary file beside it, then renamed), so a malformed
 * trace leaves nothing behind. It is not fsynced: the page is derived from the trace and written
 * again by running the command again, and forcing a 200 MB page to disk took seconds, as long as
 * the validation it shows (a power loss may lose it, as it may any file not synced).
 */
public final class TraceView {
  private static final String DATA = "<!--DATA-->";

  private TraceView() {}

  /** What was written: the validator's verdict, the steps drawn and the file's size. */
  public record Result(ValidationResult validation, long steps, long bytes) {}

  /**
   * Validates {@code files} ({@code run}: the per-node files of one run; else one self-contained
   * trace) and writes their view to {@code out}.
   *
   * @throws TraceFormatException malformed input, as {@code verify-trace} reports it (nothing written)
   */
  public static Result write(List<Path> files, boolean run, TraceValidator.Options options, Path out, String title)
      throws IOException, TraceFormatException {
    TraceHeader header = header(files.get(0));
    Path dir = out.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, ".refraft-view-", ".tmp");
    try {
      readable(tmp);
      Result r;
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
          OutputStream w = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16)) {
        r = write(header, files, run, options, w, title);
        w.flush();
      }
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return new Result(r.validation(), r.steps(), Files.size(out));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A page is for reading: rw-r--r-- like any file the user writes, not the temporary file's rw-------. */
  private static void readable(Path tmp) throws IOException {
    if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  private static TraceHeader header(Path file) throws IOException, TraceFormatException {
    try (TraceReader r = TraceReader.open(file)) {
      return r.header();
    }
  }

  private static Result write(TraceHeader header, List<Path> files, boolean run, TraceValidator.Options options,
      OutputStream os, String title) throws IOException, TraceFormatException {
    Text w = s -> os.write(s.getBytes(StandardCharsets.UTF_8));
    String[] page = template().split(DATA, 2);
    w.write(page[0].replace("{{TITLE}}", PageText.text(title)).replace("{{CSS}}", resource("view.css")));
    List<NodeId> nodes = header.servers();
    w.write("<script type=\"application/json\" id=\"rf-meta\">{\"title\":" + PageText.jsonString(title)
        + ",\"header\":" + headerJson(header).replace("<", "\\u003c") + ",\"actions\":" + actionNames() + "}</script>\n");
    w.write("<script type=\"text/plain\" id=\"rf-steps\">\n");
    List<NodeState> initial = new ArrayList<>();
    for (NodeId n : nodes) {
      initial.add(NodeState.initial(n, header.config()));
    }
    StepEncoder enc = new StepEncoder(os, nodes, initial);
    Pipeline pipe = new Pipeline(enc);
    ValidationResult r;
    String rest;
    try {
      TraceValidator v = new TraceValidator(options, pipe);
      r = run ? v.validateRun(files) : v.validateFile(files.get(0));
      rest = r.divergence().isEmpty() ? "" : run ? restOfRun(files, pipe) : rest(files.get(0), r.divergence().get().line(), pipe);
      pipe.finish();
      enc.flush();
    } finally {
      pipe.abort();
    }
    w.write("</script>\n<script type=\"application/json\" id=\"rf-verdict\">"
        + verdictJson(r, enc.fileNames(), rest) + "</script>\n");
    w.write(page[1].replace("{{JS}}", resource("view.js")));
    return new Result(r, enc.steps(), 0);
  }

  /**
   * Draws the steps after the divergence too (a counterexample's violation comes after the
   * mutant's first wrong step), unvalidated. Returns why they stop early: a malformed line, which
   * verify-trace never reaches past a divergence and so does not report either; "" when none.
   */
  private static String rest(Path file, long after, Pipeline pipe) throws IOException {
    try (TraceReader r = TraceReader.open(file)) {
      for (TraceStep s = r.next(); s != null; s = r.next()) {
        if (r.line() > after) {
          pipe.unvalidated(r.file(), r.line(), s);
        }
      }
      return "";
    } catch (TraceFormatException e) {
      return "steps after the divergence are shown up to the first malformed line: " + e.getMessage();
    }
  }

  /**
   * A run's steps after the divergence, each file's from the line after the last one the
   * validator showed, merged by their time (a file without times goes after the others, in order).
   */
  private static String restOfRun(List<Path> files, Pipeline pipe) throws IOException {
    List<TraceReader> readers = new ArrayList<>();
    try {
      List<TraceStep> heads = new ArrayList<>();
      for (Path f : files) {
        TraceReader r = TraceReader.open(f);
        readers.add(r);
        long after = pipe.lastLine(r.file());
        TraceStep s = r.next();
        while (s != null && r.line() <= after) {
          s = r.next();
        }
        heads.add(s);
      }
      for (int k = earliest(heads); k >= 0; k = earliest(heads)) {
        TraceReader r = readers.get(k);
        pipe.unvalidated(r.file(), r.line(), heads.get(k));
        heads.set(k, r.next());
      }
      return "";
    } catch (TraceFormatException e) {
      return "steps after the divergence are shown up to the first malformed line: " + e.getMessage();
    } finally {
      for (TraceReader r : readers) {
        r.close();
      }
    }
  }

  private static int earliest(List<TraceStep> heads) {
    int best = -1;
    for (int k = 0; k < heads.size(); k++) {
      TraceStep s = heads.get(k);
      if (s != null && (best < 0 || time(s) < time(heads.get(best)))) {
        best = k;
      }
    }
    return best;
  }

  private static long time(TraceStep s) {
    return s.time().isPresent() ? s.time().getAsLong() : Long.MAX_VALUE;
  }

  /** The spec's action names by ordinal: a step's actions are their ordinals. */
  private static String actionNames() {
    StringBuilder sb = new StringBuilder("[");
    for (io.refraft.spec.Action a : io.refraft.spec.Action.values()) {
      sb.append(sb.length() > 1 ? ",\"" : "\"").append(a.name()).append('"');
    }
    return sb.append(']').toString();
  }

  /** Writes text to the page. */
  private interface Text {
    void write(String s) throws IOException;
  }

  private static String headerJson(TraceHeader h) throws IOException {
    StringWriter sw = new StringWriter();
    try (TraceWriter tw = new TraceWriter(sw)) {
      tw.header(h);
    }
    return sw.toString().trim();
  }

  /** The verdict, the divergence with the validator's expected/observed fields, and the file names by index. */
  static String verdictJson(ValidationResult r, List<String> files, String rest) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\"rest\":");
    PageText.jsonString(sb, rest);
    sb.append(",\"valid\":").append(r.valid()).append(",\"events\":").append(r.events()).append(",\"lostSteps\":")
        .append(r.lostSteps()).append(",\"compositions\":").append(r.compositions()).append(",\"files\":[");
    for (int i = 0; i < files.size(); i++) {
      sb.append(i > 0 ? "," : "");
      PageText.jsonString(sb, files.get(i));
    }
    sb.append("],\"divergence\":");
    if (r.divergence().isEmpty()) {
      return sb.append("null}").toString();
    }
    Divergence d = r.divergence().get();
    sb.append("{\"file\":");
    PageText.jsonString(sb, d.file());
    sb.append(",\"line\":").append(d.line()).append(",\"node\":");
    PageText.jsonString(sb, d.node().name());
    sb.append(",\"seq\":").append(d.seq()).append(",\"kind\":");
    PageText.jsonString(sb, d.kind().name().toLowerCase(Locale.ROOT));
    sb.append(",\"reason\":");
    PageText.jsonString(sb, d.reason());
    sb.append(",\"explain\":");
    PageText.jsonString(sb, d.explain());
    sb.append(",\"diffs\":[");
    for (int i = 0; i < d.diffs().size(); i++) {
      Divergence.FieldDiff f = d.diffs().get(i);
      sb.append(i > 0 ? "," : "").append("{\"field\":");
      PageText.jsonString(sb, f.field());
      sb.append(",\"expected\":");
      PageText.jsonString(sb, f.expected());
      sb.append(",\"observed\":");
      PageText.jsonString(sb, f.observed());
      sb.append('}');
    }
    return sb.append("]}}").toString();
  }

  private static String template() throws IOException {
    return resource("view.html");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = TraceView.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " missing from the build");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
