/**
 * The {@code refraft} command line: one picocli command per user-facing job (docs/ARCHITECTURE.md#the-command-line).
 *
 * <p>Every command follows one contract: exit 0 ok/valid, 1 violation/invalid, 2 bad usage or
 * bad input (the message names the file, line or argument), 3 unknown; commands that produce a
 * verdict or a measurement print one JSON object as the last line of stdout. A user mistake
 * never prints a stack trace.
 *
 * <p>This is the one package allowed to depend on every module: it only parses arguments and
 * calls into {@code spec}, {@code traces}, {@code impl} and {@code verification}.
 */
package io.refraft.cli;
