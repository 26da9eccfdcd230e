package io.refraft.verification.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import us.bpsm.edn.EdnException;
import us.bpsm.edn.parser.Parseable;
import us.bpsm.edn.parser.Parser;
import us.bpsm.edn.parser.Parsers;

/**
 * {@link EdnReader} against the reference, edn-java followed by {@link EdnValues#fromEdn}: every
 * EDN file of the reference data, seeded random documents, and malformed input (the line of the
 * error). Equal results means equal values, or both rejecting the text.
 */
class EdnReaderTest {
  /** A document's values, or the failure; failures compare equal whatever their message. */
  private record Outcome(List<Object> values, boolean failed) {
    static Outcome failure() {
      return new Outcome(List.of(), true);
    }
  }

  /**
   * edn-java then {@link EdnValues#fromEdn}, except that a tag or {@code #_} with no form after it
   * at the end of the text is a failure: edn-java returns a tagged end-of-input marker or nothing,
   * {@link EdnReader} rejects the text, as EDN requires a form there.
   */
  private static final java.util.regex.Pattern DANGLING =
      java.util.regex.Pattern.compile("(?<![^\\s,\\[\\](){}\"])(#_|#[A-Za-z][^\\s,\\[\\](){}\"]*)([\\s,]*(#_|#[A-Za-z][^\\s,\\[\\](){}\"]*))*[\\s,]*$");

  private static Outcome reference(String text) {
    if (DANGLING.matcher(text).find()) {
      return Outcome.failure();
    }
    Parser parser = Parsers.newParser(Parsers.defaultConfiguration());
    Parseable in = Parsers.newParseable(text);
    List<Object> out = new ArrayList<>();
    try {
      for (Object v = parser.nextValue(in); v != Parser.END_OF_INPUT; v = parser.nextValue(in)) {
        // A tag right after a token ("-589#b" at the end, seed 13529221892900) escapes DANGLING's
        // delimiter test; edn-java then returns the tag applied to its end-of-input marker.
        if (v instanceof us.bpsm.edn.TaggedValue t && t.getValue() == Parser.END_OF_INPUT) {
          return Outcome.failure();
        }
        out.add(EdnValues.fromEdn(v));
      }
    } catch (EdnException | EdnValues.Unsupported e) {
      return Outcome.failure();
    } catch (RuntimeException e) {
      // edn-java lets some malformed input escape as another exception: it rejected the text.
      System.out.println("EdnReaderTest: edn-java threw " + e + " on " + text.replace('\n', ' '));
      return Outcome.failure();
    }
    return new Outcome(out, false);
  }

  private static Outcome ours(String text) {
    EdnReader in = new EdnReader(text);
    List<Object> out = new ArrayList<>();
    try {
      while (in.skipBlank() != -1) {
        out.add(in.next());
      }
    } catch (EdnReader.SyntaxError e) {
      return Outcome.failure();
    }
    return new Outcome(out, false);
  }

  @Test
  void everyReferenceEdnFileReadsAsEdnJavaReadsIt() throws IOException {
    Path root = RefData.root();
    List<Path> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".edn")).sorted().toList();
    }
    assertTrue(!files.isEmpty(), "no .edn file under " + root);
    for (Path f : files) {
      String text = Files.readString(f, StandardCharsets.UTF_8);
      Outcome expected = reference(text);
      assertEquals(expected, ours(text), f.toString());
    }
    System.out.println("EdnReaderTest: " + files.size() + " reference EDN files read identically");
  }

  @Test
  void seededRandomDocumentsReadAsEdnJavaReadsThem() {
    long seed = Long.getLong("refraft.seed", System.nanoTime());
    System.out.println("EdnReaderTest seed " + seed + " (rerun: -Drefraft.seed=" + seed + ")");
    Random rnd = new Random(seed);
    int failures = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder doc = new StringBuilder();
      int n = 1 + rnd.nextInt(4);
      for (int j = 0; j < n; j++) {
        new RandomEdn(rnd).value(doc, 0, false);
        RandomEdn.blank(rnd, doc);
      }
      String text = rnd.nextInt(20) == 0 ? doc.substring(0, rnd.nextInt(doc.length())) : doc.toString();
      Outcome expected = reference(text);
      failures += expected.failed() ? 1 : 0;
      assertEquals(expected, ours(text), "seed " + seed + ", document " + i + ":\n" + text);
    }
    // Truncated documents and out-of-range integers must exercise the error path, but rarely.
    assertTrue(failures > 0 && failures < 1500, failures + " of 3000 documents rejected, seed " + seed);
  }

  @Test
  void valuesAreThePlainDataOfOp() throws EdnReader.SyntaxError {
    EdnReader in = new EdnReader("[1N -2 1.5M 2e3 \\newline \"a\\tb\\u0041\" :ns/k sym nil #{1} {:a [1]} (x)]");
    List<?> v = assertInstanceOf(List.class, in.next());
    assertEquals(List.of(1L, -2L, 1.5, 2000.0, "\n", "a\tbA", Keyword.of("ns/k"), "sym"), v.subList(0, 8));
    assertEquals(null, v.get(8));
    assertEquals(java.util.Set.of(1L), v.get(9));
    assertEquals(java.util.Map.of(Keyword.of("a"), List.of(1L)), v.get(10));
    assertEquals(List.of("x"), v.get(11));
    assertThrows(UnsupportedOperationException.class, v::clear);
  }

  // Found by seed 8068723915652: an exponent sign with no digit escaped as a NumberFormatException.
  @Test
  void exponentsWithoutDigitsAreSyntaxErrors() throws EdnReader.SyntaxError {
    for (String bad : List.of("-570e+", "1e", "2E-", "3.5e+ ", "4e+M")) {
      assertThrows(EdnReader.SyntaxError.class, () -> new EdnReader(bad).next(), bad);
    }
    assertEquals(-5.7e3, new EdnReader("-5.7e+3").next());
    assertEquals(2e-2, new EdnReader("2E-2").next());
  }

  @Test
  void theSameKeywordIsOneInstance() throws EdnReader.SyntaxError {
    List<?> v = (List<?>) new EdnReader("[:append :append :r]").next();
    assertTrue(v.get(0) == v.get(1), "keywords read twice are not one cached instance");
  }

  @Test
  void taggedLiteralsAreEdnJavasPrintedForm() throws EdnReader.SyntaxError {
    String text = "[#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\" #my/tag [1 2] #:ns{:a 1}]";
    assertEquals(reference(text).values().get(0), new EdnReader(text).next());
    assertEquals("f81d4fae-7dec-11d0-a765-00a0c91e6bf6", ((List<?>) new EdnReader(text).next()).get(0));
  }

  @Test
  void aTruncatedMapIsReportedAtTheLineItStarts() {
    String text = "{:type :invoke, :f :txn, :value [[:r 1 nil]], :process 0}\n"
        + "{:type :ok, :f :txn,\n :value [[:r 1 [1 2]]], :process 0\n";
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> HistoryFormat.EDN.read("h.edn", text));
    assertEquals(2, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith("h.edn:2: malformed EDN (the op starting on this line; detected at line 4)"),
        e.getMessage());
    assertTrue(e.getMessage().contains("map opened on line 2"), e.getMessage());
  }

  @Test
  void aBadStringEscapeIsReportedAtItsOp() {
    String text = "{:type :invoke, :f :write, :value 1, :process 0}\n\n"
        + "{:type :ok, :f :write, :value \"a\\qb\", :process 0}\n";
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> HistoryFormat.EDN.read("h.edn", text));
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("unsupported escape '\\q'"), e.getMessage());
  }

  @Test
  void anUnmatchedBracketIsReportedAtItsOp() {
    String text = "{:type :invoke, :f :txn, :value [[:r 1 nil]], :process 0}\n"
        + "{:type :ok, :f :txn, :value [[:r 1 [1 2]], :process 0}\n";
    HistoryFormatException e = assertThrows(HistoryFormatException.class, () -> HistoryFormat.EDN.read("h.edn", text));
    assertEquals(2, e.line(), e.getMessage());
    assertTrue(e.getMessage().contains("'}' closes the vector opened on line 2"), e.getMessage());
    HistoryFormatException stray = assertThrows(HistoryFormatException.class,
        () -> HistoryFormat.EDN.read("h.edn", "{:type :invoke, :f :read, :process 0}\n]\n"));
    assertEquals(2, stray.line(), stray.getMessage());
    assertTrue(stray.getMessage().contains("unmatched ']'"), stray.getMessage());
  }

  @Test
  void anIntegerBeyond64BitsIsAnError() {
    HistoryFormatException e = assertThrows(HistoryFormatException.class,
        () -> HistoryFormat.EDN.read("h.edn", "{:type :invoke, :f :read, :value 99999999999999999999, :process 0}"));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("does not fit in 64 bits"), e.getMessage());
  }
}
