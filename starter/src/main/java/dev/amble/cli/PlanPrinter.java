package dev.amble.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.plan.Decision;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.visibility.Strategies;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** A plan as a table for people, or as JSON for programs. */
final class PlanPrinter {
  enum Format {
    text,
    json
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlanPrinter() {}

  static void print(Plan plan, Format format, PrintWriter out) {
    if (format == Format.json) {
      out.println(json(plan));
    } else {
      text(plan, out);
    }
    out.flush();
  }

  static void text(Plan plan, PrintWriter out) {
    out.printf(
        "Plan for workspace %s (workflow %s): hosts \"%s\"%s, %s order%n%n",
        plan.workspace(),
        plan.workflow(),
        plan.hostPattern(),
        plan.limit().map(l -> " limited to \"" + l + "\"").orElse(""),
        plan.sortOrder().word()
            + (plan.sortOrder().word().equals("shuffle") ? " (seed " + plan.seed() + ")" : ""));
    for (String line : Strategies.describe(plan.strategy())) {
      out.printf("  %s%n", line);
    }
    out.println();
    int width = Math.max(4, plan.hosts().stream().mapToInt(h -> h.host().length()).max().orElse(4));
    java.util.List<Integer> waves = plan.waves();
    out.printf("%-" + width + "s  %-8s %-4s %s%n", "HOST", "DECISION", "WAVE", "REASON");
    for (int i = 0; i < plan.hosts().size(); i++) {
      HostPlan h = plan.hosts().get(i);
      String reason = h.reason();
      if (!h.note().isEmpty()) {
        reason = reason.isEmpty() ? h.note() : reason + "; " + h.note();
      }
      String wave = waves.get(i) == 0 ? "" : Integer.toString(waves.get(i));
      out.println(
          String.format(
                  "%-" + width + "s  %-8s %-4s %s", h.host(), h.decision().word(), wave, reason)
              .stripTrailing());
      out.flush();
    }
    out.println();
    out.println(summary(plan.counts()));
  }

  static String summary(Map<Decision, Integer> counts) {
    StringBuilder s = new StringBuilder();
    int total = counts.values().stream().mapToInt(Integer::intValue).sum();
    s.append(total).append(" hosts: ");
    String sep = "";
    for (Decision d : Decision.values()) {
      s.append(sep).append(counts.get(d)).append(' ').append(d.word().toLowerCase(Locale.ROOT));
      sep = ", ";
    }
    return s.toString();
  }

  static String json(Plan plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("workspace", plan.workspace());
    root.put("workflow", plan.workflow());
    root.put("host_pattern", plan.hostPattern());
    plan.limit().ifPresent(l -> root.put("limit", l));
    root.put("sort_order", plan.sortOrder().word());
    root.put("seed", plan.seed());
    ObjectNode counts = root.putObject("counts");
    plan.counts().forEach((d, n) -> counts.put(d.word(), n));
    ArrayNode strategy = root.putArray("strategy");
    Strategies.describe(plan.strategy()).forEach(strategy::add);
    java.util.List<Integer> waves = plan.waves();
    ArrayNode hosts = root.putArray("hosts");
    for (int i = 0; i < plan.hosts().size(); i++) {
      HostPlan h = plan.hosts().get(i);
      ObjectNode n = hosts.addObject();
      n.put("host", h.host());
      n.put("decision", h.decision().word());
      if (waves.get(i) > 0) {
        n.put("wave", waves.get(i));
      }
      n.put("reason", h.reason());
      if (!h.note().isEmpty()) {
        n.put("note", h.note());
      }
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
