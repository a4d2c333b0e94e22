package dev.amble.precondition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A reason keeps the values of vaulted vars out: they read {@code <vault>}. */
class VerdictTest {
  @Test
  void anEvaluationErrorShowsVaultInPlaceOfTheValue() {
    Verdict v =
        Precondition.ofJob("j", "int(vars.port) > 0")
            .evaluate(Map.of(), Map.of("port", "s3cret-port"), Map.of())
            .without(Set.of("s3cret-port"));
    assertEquals(
        "int(vars.port) > 0: evaluation error at <input>:3: For input string: \"<vault>\"",
        v.reason());
  }

  @Test
  void aLongerSecretGoesWholeAndAHoldingVerdictStaysAsItIs() {
    assertEquals(
        "x <vault> y", Verdict.fails("x abcdef y").without(List.of("abc", "abcdef")).reason());
    assertSame(Verdict.HOLDS, Verdict.HOLDS.without(Set.of("abc")));
  }
}
