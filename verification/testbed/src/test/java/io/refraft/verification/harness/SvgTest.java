package io.refraft.verification.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SvgTest {
  @Test
  void axisStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertEquals(1, Svg.niceStep(0.25));
    assertEquals(1, Svg.niceStep(1));
    assertEquals(2, Svg.niceStep(1.01));
    assertEquals(5, Svg.niceStep(2.5));
    assertEquals(10, Svg.niceStep(6));
    assertEquals(50, Svg.niceStep(25.25));
    assertEquals(200, Svg.niceStep(101));
  }
}
