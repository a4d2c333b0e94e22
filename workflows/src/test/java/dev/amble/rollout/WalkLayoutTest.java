package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.Strategy;
import dev.amble.pages.PageLine;
import dev.amble.plan.Decision;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Placement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How planning places hosts by their inventory vars and lays out the walk order's runs and tiers.
 */
class WalkLayoutTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Strategy strategy() {
    Definition d =
        StrategyWorkflowTest.definition(
            6,
            "failure_domain: { var: rack, max_in_flight: 1 }\n"
                + "tiers: { var: role, order: [replica, primary] }");
    return d.workspace().strategy();
  }

  static HostPlan host(String name, Map<String, Object> vars) {
    Placement p = Placement.of(strategy(), JSON.valueToTree(vars));
    return new HostPlan(name, Decision.WALK, "", "", p.tier(), p.domain());
  }

  @Test
  void hostsGoTierByTierEachDomainTogetherInTheOrderItsFirstHostCame() {
    List<HostPlan> given =
        List.of(
            host("p1", Map.of("rack", "b", "role", "primary")),
            host("r1", Map.of("rack", "b", "role", "replica")),
            host("r2", Map.of("rack", "a", "role", "replica")),
            host("x1", Map.of("rack", 7)),
            host("r3", Map.of("rack", "b", "role", "replica")),
            host("n1", Map.of("role", "replica")),
            host("p2", Map.of("rack", "a", "role", "primary")));
    List<HostPlan> ordered = Placement.order(given, strategy());
    assertEquals(
        List.of("r1", "r3", "r2", "n1", "p1", "p2", "x1"),
        ordered.stream().map(HostPlan::host).toList());
    assertEquals("(none)", ordered.get(3).domain(), "a host without the var");
    assertEquals("(rest)", ordered.get(6).tier(), "a host whose role the order does not name");
    assertEquals("7", ordered.get(6).domain(), "a number's text");
    WalkLayout layout = WalkLayout.of(ordered, strategy());
    assertEquals(
        List.of(
            PageLine.run("b", 2),
            PageLine.run("a", 1),
            PageLine.run("(none)", 1),
            PageLine.run("b", 1),
            PageLine.run("a", 1),
            PageLine.run("7", 1)),
        layout.runs());
    assertEquals(
        List.of(
            new PlanSummary.Tier("replica", 4, 3),
            new PlanSummary.Tier("primary", 2, 2),
            new PlanSummary.Tier("(rest)", 1, 1)),
        layout.tiers());
  }

  @Test
  void aLongValueKeepsItsStartAndADigestSoThatDistinctValuesStayDistinct() {
    String a = "x".repeat(200) + "a";
    String b = "x".repeat(200) + "b";
    String da = host("a", Map.of("rack", a)).domain();
    String db = host("b", Map.of("rack", b)).domain();
    assertEquals(Placement.VALUE_MAX, da.length());
    assertEquals(false, da.equals(db));
  }

  @Test
  void aWorkspaceWithNeitherKeepsItsOrderAndLaysOutNothing() {
    List<HostPlan> given =
        List.of(new HostPlan("b", Decision.WALK, "", ""), new HostPlan("a", Decision.WALK, "", ""));
    assertEquals(given, Placement.order(given, Strategy.DEFAULT));
    assertEquals(new WalkLayout(List.of(), List.of()), WalkLayout.of(given, Strategy.DEFAULT));
  }
}
