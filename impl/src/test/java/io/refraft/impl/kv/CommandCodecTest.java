package io.refraft.impl.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandCodecTest {

  @Test
  void when_every_operation_is_encoded_then_it_decodes_to_itself() throws Exception {
    List<Command> commands = List.of(
        Command.of(5, new KvOp.Get("k")),
        Command.of(5, 3, 9, new KvOp.Put("k", "v")),
        Command.of(0, new KvOp.Delete("k")),
        Command.of(1, new KvOp.Cas("k", Optional.empty(), "b")),
        Command.of(1, new KvOp.Cas("k", Optional.of("a"), "b")),
        Command.of(1, new KvOp.Append("l", "1")),
        Command.of(1, new KvOp.Read("l")),
        Command.of(7, new KvOp.OpenSession()),
        Command.of(2, 1, 1, new KvOp.Txn(List.of(new MicroOp.Append("x", "1"), new MicroOp.R("x"),
            new MicroOp.W("y", "2"), new MicroOp.Cas("y", Optional.of("2"), "3"), new MicroOp.Cas("z", Optional.empty(), "0")))));
    for (Command c : commands) {
      byte[] bytes = CommandCodec.encode(c);
      assertEquals(c, CommandCodec.decode(bytes), new String(bytes, StandardCharsets.UTF_8));
      assertArrayEquals(bytes, CommandCodec.encode(CommandCodec.decode(bytes)));
      assertEquals(c, CanonicalCommandReader.read(bytes), "the fast reader takes what encode writes");
    }
  }

  @Test
  void when_a_command_is_spelled_differently_then_its_canonical_encoding_is_the_same() throws Exception {
    Command a = CommandCodec.decode("{ \"op\" : [\"put\",\"k\",\"v\"], \"q\":2, \"c\":1, \"t\":9, \"v\":1 }");
    assertEquals("{\"v\":1,\"t\":9,\"c\":1,\"q\":2,\"op\":[\"put\",\"k\",\"v\"]}",
        new String(CommandCodec.encode(a), StandardCharsets.UTF_8));
  }

  @Test
  void when_a_txn_is_given_in_jepsen_form_then_it_decodes() throws Exception {
    Command c = CommandCodec.decode(
        "{\"v\":1,\"op\":[\"txn\",[[\"append\",\"x\",\"1\"],[\"r\",\"x\",null],[\"w\",\"y\",\"2\"],[\"cas\",\"y\",\"2\",\"3\"]]]}");
    assertEquals(new KvOp.Txn(List.of(new MicroOp.Append("x", "1"), new MicroOp.R("x"), new MicroOp.W("y", "2"),
        new MicroOp.Cas("y", Optional.of("2"), "3"))), c.op());
    assertEquals(0, c.time());
    assertEquals(Optional.empty(), c.session());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      not json                                                   | ''      | not JSON
      []                                                         | ''      | a command is a JSON object
      {"v":1}                                                    | op      | missing
      {"op":["get","k"]}                                         | v       | missing
      {"v":2,"op":["get","k"]}                                   | v       | unsupported version 2
      {"v":1,"x":0,"op":["get","k"]}                             | x       | unknown field
      {"v":1,"v":1,"op":["get","k"]}                             | ''      | Duplicate field
      {"v":1,"op":["get","k"]} {}                                | ''      | not JSON
      {"v":1,"t":-1,"op":["get","k"]}                            | t       | must be >= 0
      {"v":1,"t":1.5,"op":["get","k"]}                           | t       | must be an integer
      {"v":1,"c":1,"op":["get","k"]}                             | q       | missing
      {"v":1,"c":0,"q":1,"op":["get","k"]}                       | c       | must be >= 1
      {"v":1,"c":1,"q":1,"op":["open-session"]}                  | c       | open-session carries no client id
      {"v":1,"op":"get"}                                         | op      | must be an array
      {"v":1,"op":["fly","k"]}                                   | op[0]   | unknown operation 'fly'
      {"v":1,"op":["get"]}                                       | op      | 'get' takes 1 argument, got 0
      {"v":1,"op":["put","k"]}                                   | op      | 'put' takes 2 arguments, got 1
      {"v":1,"op":["get",7]}                                     | op[1]   | a key must be a string
      {"v":1,"op":["get",""]}                                    | op[1]   | a key must be 1..1024
      {"v":1,"op":["put","k",1]}                                 | op[2]   | a value must be a string
      {"v":1,"op":["cas","k","a",null]}                          | op[3]   | a value must be a string
      {"v":1,"op":["txn",[]]}                                    | op[1]   | must be an array of 1..256 micro-ops
      {"v":1,"op":["txn",[["r","x"]]]}                           | op[1][0] | 'r' takes 2 arguments, got 1
      {"v":1,"op":["txn",[["r","x","1"]]]}                       | op[1][0][2] | a read's value must be null
      {"v":1,"op":["txn",[["w","x","1"],["del","x",null]]]}      | op[1][1][0] | unknown micro-op 'del'
      """)
  void when_a_command_is_malformed_then_the_field_and_reason_are_named(String json, String field, String reason) {
    InvalidCommandException e = assertThrows(InvalidCommandException.class, () -> CommandCodec.decode(json));
    assertEquals(field, e.field(), e.getMessage());
    assertEquals(true, e.reason().contains(reason), () -> "reason '" + e.reason() + "' lacks '" + reason + "'");
  }

  /** Canonical field order (the fast reader's form), each with one thing wrong. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      {"v":2,"t":0,"op":["get","k"]}                             | v       | unsupported version 2
      {"v":1,"t":-1,"op":["get","k"]}                            | t       | must be >= 0
      {"v":1,"t":99999999999999999999,"op":["get","k"]}          | t       | must be an integer
      {"v":1,"t":0,"c":0,"q":1,"op":["get","k"]}                 | c       | must be >= 1
      {"v":1,"t":0,"c":1,"q":0,"op":["get","k"]}                 | q       | must be >= 1
      {"v":1,"t":0,"c":1,"q":1,"op":["open-session"]}            | c       | open-session carries no client id
      {"v":1,"t":0,"op":["open-session","x"]}                    | op      | 'open-session' takes 0 arguments
      {"v":1,"t":0,"op":["get",""]}                              | op[1]   | a key must be 1..1024
      {"v":1,"t":0,"op":["get","k","v"]}                         | op      | 'get' takes 1 argument, got 2
      {"v":1,"t":0,"op":["cas","k",null,null]}                   | op[3]   | a value must be a string
      {"v":1,"t":0,"op":["txn",[]]}                              | op[1]   | must be an array of 1..256 micro-ops
      {"v":1,"t":0,"op":["txn",[["r","x","1"]]]}                 | op[1][0][2] | a read's value must be null
      {"v":1,"t":0,"op":["txn",[["append","x"]]]}                | op[1][0] | 'append' takes 2 arguments, got 1
      {"v":1,"t":0,"op":["txn",[["r","",null]]]}                 | op[1][0][1] | a key must be 1..1024
      {"v":1,"t":0,"op":["get","k"],"op":["get","k"]}            | ''      | Duplicate field
      {"v":1,"t":0,"op":["get","k"]}x                            | ''      | not JSON
      """)
  void when_a_canonical_command_is_malformed_then_the_fast_reader_declines_it(String json, String field,
      String reason) {
    assertEquals(null, CanonicalCommandReader.read(json.getBytes(StandardCharsets.UTF_8)), json);
    when_a_command_is_malformed_then_the_field_and_reason_are_named(json, field, reason);
  }

  /**
   * The fast reader accepts a subset of what the tree decoder accepts and agrees with it there: on
   * seeded mutations of canonical commands (flipped, dropped and inserted bytes).
   */
  @Test
  void when_bytes_are_mutated_then_the_fast_reader_agrees_with_the_tree_decoder_or_declines() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("CommandCodecTest seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    List<byte[]> bases = List.of(
        CommandCodec.encode(Command.of(5, 3, 9, new KvOp.Put("k", "v"))),
        CommandCodec.encode(Command.of(1, new KvOp.Cas("k", Optional.of("a"), "b"))),
        CommandCodec.encode(Command.of(7, new KvOp.OpenSession())),
        CommandCodec.encode(Command.of(2, 1, 1, new KvOp.Txn(List.of(new MicroOp.Append("x", "1"),
            new MicroOp.R("x"), new MicroOp.Cas("z", Optional.empty(), "0"))))));
    byte[] alphabet = "{}[]\",:01 -nulltxnrgetvcq\\é".getBytes(StandardCharsets.UTF_8);
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = bases.get(r.nextInt(bases.size())).clone();
      int at = r.nextInt(b.length);
      b = switch (r.nextInt(3)) {
        case 0 -> {
          b[at] = alphabet[r.nextInt(alphabet.length)];
          yield b;
        }
        case 1 -> concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + 1, b.length));
        default -> concat(Arrays.copyOf(b, at), new byte[] {alphabet[r.nextInt(alphabet.length)]},
            Arrays.copyOfRange(b, at, b.length));
      };
      Command fast = CanonicalCommandReader.read(b);
      Object tree;
      try {
        tree = CommandCodec.decodeTree(b);
      } catch (InvalidCommandException e) {
        tree = e;
      }
      if (fast != null) {
        accepted++;
        assertEquals(tree, fast, "seed " + seed + ": " + new String(b, StandardCharsets.UTF_8));
      }
    }
    assertTrue(accepted > 0, "seed " + seed + ": no mutation stayed canonical and valid");
  }

  /** The generator-free writer gives the generator's bytes, on seeded random commands of every kind. */
  @Test
  void when_a_command_is_written_without_the_generator_then_the_bytes_are_the_generators() {
    long seed = new SplittableRandom().nextLong();
    System.out.println("CommandCodecTest seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int plain = 0;
    for (int i = 0; i < 5_000; i++) {
      Command c = randomCommand(r);
      byte[] fast = CanonicalCommandWriter.write(c);
      byte[] slow = CommandCodec.encodeWithGenerator(c);
      if (fast != null) {
        plain++;
        assertArrayEquals(slow, fast, "seed " + seed + ": " + c);
      }
      assertArrayEquals(slow, CommandCodec.encode(c), "seed " + seed + ": " + c);
    }
    assertTrue(plain > 1_000 && plain < 5_000, "seed " + seed + ": " + plain + " plain commands of 5000");
  }

  private static Command randomCommand(SplittableRandom r) {
    KvOp op = switch (r.nextInt(8)) {
      case 0 -> new KvOp.Get(randomString(r, 1));
      case 1 -> new KvOp.Put(randomString(r, 1), randomString(r, 0));
      case 2 -> new KvOp.Delete(randomString(r, 1));
      case 3 -> new KvOp.Cas(randomString(r, 1), r.nextBoolean() ? Optional.empty() : Optional.of(randomString(r, 0)),
          randomString(r, 0));
      case 4 -> new KvOp.Append(randomString(r, 1), randomString(r, 0));
      case 5 -> new KvOp.Read(randomString(r, 1));
      case 6 -> new KvOp.OpenSession();
      default -> {
        List<MicroOp> ops = new java.util.ArrayList<>();
        for (int k = 1 + r.nextInt(4); k > 0; k--) {
          ops.add(switch (r.nextInt(4)) {
            case 0 -> new MicroOp.Append(randomString(r, 1), randomString(r, 0));
            case 1 -> new MicroOp.R(randomString(r, 1));
            case 2 -> new MicroOp.W(randomString(r, 1), randomString(r, 0));
            default -> new MicroOp.Cas(randomString(r, 1),
                r.nextBoolean() ? Optional.empty() : Optional.of(randomString(r, 0)), randomString(r, 0));
          });
        }
        yield new KvOp.Txn(ops);
      }
    };
    long time = r.nextBoolean() ? r.nextLong(1000) : r.nextLong(Long.MAX_VALUE);
    return op instanceof KvOp.OpenSession || r.nextBoolean() ? Command.of(time, op)
        : Command.of(time, 1 + r.nextLong(Long.MAX_VALUE - 1), 1 + r.nextLong(1000), op);
  }

  /** Mostly plain ASCII; sometimes a quote, a backslash, a control character, é or an emoji. */
  private static String randomString(SplittableRandom r, int minLength) {
    StringBuilder b = new StringBuilder();
    for (int n = minLength + r.nextInt(6); n > 0; n--) {
      b.append(r.nextInt(40) != 0 ? (char) (0x20 + r.nextInt(0x5F))
          : List.of("\"", "\\", "\n", "\u0001", "\u007f", "é", "\uD83D\uDE00").get(r.nextInt(7)));
    }
    return b.toString();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void when_a_key_or_value_is_too_large_then_it_is_refused() {
    String bigKey = "k".repeat(CommandCodec.MAX_KEY_BYTES + 1);
    String okKey = "é".repeat(CommandCodec.MAX_KEY_BYTES / 2);
    assertThrows(InvalidCommandException.class, () -> CommandCodec.decode("{\"v\":1,\"op\":[\"get\",\"" + bigKey + "\"]}"));
    assertThrows(InvalidCommandException.class,
        () -> CommandCodec.decode("{\"v\":1,\"op\":[\"get\",\"" + okKey + "é\"]}"));
    String bigValue = "v".repeat(CommandCodec.MAX_VALUE_BYTES + 1);
    assertThrows(InvalidCommandException.class,
        () -> CommandCodec.decode("{\"v\":1,\"op\":[\"put\",\"k\",\"" + bigValue + "\"]}"));
    assertThrows(InvalidCommandException.class, () -> CommandCodec.decode(new byte[CommandCodec.MAX_COMMAND_BYTES + 1]));
    // the same through the fast reader's canonical form
    assertThrows(InvalidCommandException.class,
        () -> CommandCodec.decode("{\"v\":1,\"t\":0,\"op\":[\"get\",\"" + okKey + "é\"]}"));
    assertThrows(InvalidCommandException.class,
        () -> CommandCodec.decode("{\"v\":1,\"t\":0,\"op\":[\"put\",\"k\",\"" + bigValue + "\"]}"));
  }

  @Test
  void when_a_key_is_exactly_at_the_limit_then_it_is_accepted() throws Exception {
    String okKey = "é".repeat(CommandCodec.MAX_KEY_BYTES / 2);
    assertEquals(new KvOp.Get(okKey), CommandCodec.decode("{\"v\":1,\"op\":[\"get\",\"" + okKey + "\"]}").op());
    String asciiKey = "k".repeat(CommandCodec.MAX_KEY_BYTES);
    assertEquals(new KvOp.Get(asciiKey), CanonicalCommandReader.read(
        ("{\"v\":1,\"t\":0,\"op\":[\"get\",\"" + asciiKey + "\"]}").getBytes(StandardCharsets.UTF_8)).op());
    assertEquals(null, CanonicalCommandReader.read(
        ("{\"v\":1,\"t\":0,\"op\":[\"get\",\"" + asciiKey + "k\"]}").getBytes(StandardCharsets.UTF_8)));
    // non-ASCII and escaped strings are left to the tree decoder, which reads them
    assertEquals(null, CanonicalCommandReader.read(
        ("{\"v\":1,\"t\":0,\"op\":[\"get\",\"" + okKey + "\"]}").getBytes(StandardCharsets.UTF_8)));
    assertEquals(new KvOp.Get("a\"b"), CommandCodec.decode("{\"v\":1,\"t\":0,\"op\":[\"get\",\"a\\\"b\"]}").op());
  }
}
