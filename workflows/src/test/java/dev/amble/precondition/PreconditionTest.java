package dev.amble.precondition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreconditionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Map<String, Object> data(String json) throws Exception {
    return CelValues.map(JSON.readTree(json));
  }

  private static final String UPGRADE =
      "facts.ansible_distribution == \"Debian\" &&\n"
          + "int(facts.ansible_distribution_major_version) < options.target_version &&\n"
          + "!(\"do_not_upgrade\" in vars)";

  @Test
  void aJobWithoutPreconditionsHoldsForEveryHostAsCelWouldSay() throws Exception {
    // The reader gives such a job the source ALWAYS (JobSpec.ALWAYS), which compiles without CEL.
    Precondition always = Precondition.compile(Precondition.ALWAYS);
    Precondition viaCel = Precondition.compile("true && true");
    for (String facts : new String[] {"{}", "{\"ansible_distribution\":\"Debian\"}"}) {
      assertEquals(Verdict.HOLDS, always.evaluate(data(facts), data("{}"), data("{}")));
      assertEquals(
          viaCel.evaluate(data(facts), data("{}"), data("{}")),
          always.evaluate(data(facts), data("{}"), data("{}")));
    }
    assertEquals("true", always.source());
    assertEquals(Set.of(), always.optionNames());
  }

  @Test
  void holdsWhenEveryPartIsTrue() throws Exception {
    Verdict v =
        Precondition.compile(UPGRADE)
            .evaluate(
                data(
                    "{\"ansible_distribution\":\"Debian\",\"ansible_distribution_major_version\":\"11\"}"),
                data("{}"),
                data("{\"target_version\":12}"));
    assertEquals(Verdict.HOLDS, v);
  }

  @Test
  void namesThePartThatIsFalse() throws Exception {
    Verdict v =
        Precondition.compile(UPGRADE)
            .evaluate(
                data(
                    "{\"ansible_distribution\":\"Debian\",\"ansible_distribution_major_version\":\"12\"}"),
                data("{}"),
                data("{\"target_version\":12}"));
    assertEquals(
        Verdict.fails(
            "int(facts.ansible_distribution_major_version) < options.target_version is false"),
        v);
  }

  @Test
  void aMissingFactIsAReasonNotACrash() throws Exception {
    Verdict v =
        Precondition.compile(UPGRADE)
            .evaluate(data("{}"), data("{}"), data("{\"target_version\":12}"));
    assertEquals(Verdict.fails("facts.ansible_distribution is not set"), v);
  }

  @Test
  void aMissingNestedFactNamesTheFirstMissingStep() throws Exception {
    Verdict v =
        Precondition.compile("facts.ansible_local.amble_state.x == 1")
            .evaluate(data("{\"ansible_local\":{}}"), data("{}"), data("{}"));
    assertEquals(Verdict.fails("facts.ansible_local.amble_state is not set"), v);
  }

  @Test
  void hasGuardsAMissingFact() throws Exception {
    Precondition p = Precondition.compile("!has(facts.kernel) || facts.kernel != \"6.1\"");
    assertTrue(p.evaluate(data("{}"), data("{}"), data("{}")).holds());
  }

  @Test
  void nullFactsAndListsWork() throws Exception {
    Precondition p =
        Precondition.compile(
            "facts.x == null && \"b\" in facts.l && facts.n > 2.5 && facts.i == 3");
    assertTrue(
        p.evaluate(
                data("{\"x\":null,\"l\":[\"a\",\"b\"],\"n\":3.5,\"i\":3}"), data("{}"), data("{}"))
            .holds());
  }

  @Test
  void unknownNamesAreReportedAtTheirColumn() {
    PreconditionException e =
        assertThrows(
            PreconditionException.class,
            () -> Precondition.compile("facts.a == 1 &&\n  fact.b == 2"));
    assertEquals(
        new PreconditionIssue(
            2, 3, "unknown name 'fact'; preconditions can use facts, vars, options"),
        e.issues().get(0));
  }

  @Test
  void syntaxErrorsAreReportedAtTheirColumn() {
    PreconditionException e =
        assertThrows(PreconditionException.class, () -> Precondition.compile("facts.a == "));
    assertEquals(1, e.issues().get(0).line());
    assertEquals(12, e.issues().get(0).column());
  }

  @Test
  void aNonBooleanExpressionIsAnError() {
    PreconditionException e =
        assertThrows(PreconditionException.class, () -> Precondition.compile("facts.a + 1"));
    assertEquals(
        "a precondition must be true or false, this one gives int", e.issues().get(0).message());
  }

  @Test
  void listsTheOptionsItReads() throws Exception {
    assertEquals(
        Set.of("target_version", "x"),
        Precondition.compile(UPGRADE + " && options[\"x\"] == 1").optionNames());
  }
}
