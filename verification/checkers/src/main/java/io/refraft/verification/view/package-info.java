/**
 * The trace view: one self-contained HTML file (inline CSS and plain JavaScript, no network) that
 * draws a trace as a space-time diagram, with each step's spec state, the validator's verdict and
 * its divergence. The data comes from the trace validator ({@code verification.trace}) through its
 * {@code StepObserver}, so the view shows exactly the steps, states and divergence the validator
 * sees; generation streams, one line of data per step.
 *
 * <p>Depends on {@code spec}, {@code traces} and {@code verification.trace} only; never on
 * {@code impl}, the testbed or the CLI.
 */
package io.refraft.verification.view;
