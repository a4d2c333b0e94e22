package dev.amble.cli.start;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.amble.plan.Decision;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.visibility.Strategies;
import dev.amble.window.WindowStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A plan as a table for people, or as JSON for programs. */
final class PlanPrinter {
  private static final ObjectWriter WRITER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writer()
          .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private PlanPrinter() {}

  /**
   * @param window the workspace's maintenance window open at {@code now} or next, if it has windows
   */
  static void print(
      Plan plan, boolean json, Optional<WindowStatus> window, Instant now, PrintWriter out) {
    if (json) {
      try {
        json(plan, window, now, out);
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a PrintWriter never throws it
      }
      out.println();
    } else {
      text(plan, out);
      window.ifPresent(w -> out.printf("%n%s%n", w.describe(now)));
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
    boolean tiers = plan.strategy().tiers().isPresent();
    boolean domains = plan.strategy().failureDomain().isPresent();
    int tierWidth = column(plan, "TIER", HostPlan::tier, tiers);
    int domainWidth = column(plan, "DOMAIN", HostPlan::domain, domains);
    java.util.List<Integer> waves = plan.waves();
    out.println(
        row(width, "HOST", "DECISION", "WAVE", tierWidth, "TIER", domainWidth, "DOMAIN", "REASON"));
    for (int i = 0; i < plan.hosts().size(); i++) {
      HostPlan h = plan.hosts().get(i);
      String reason = h.reason();
      if (!h.note().isEmpty()) {
        reason = reason.isEmpty() ? h.note() : reason + "; " + h.note();
      }
      String wave = waves.get(i) == 0 ? "" : Integer.toString(waves.get(i));
      out.println(
          row(
              width,
              h.host(),
              h.decision().word(),
              wave,
              tierWidth,
              h.tier(),
              domainWidth,
              h.domain(),
              reason));
      out.flush();
    }
    out.println();
    out.println(summary(plan.counts()));
  }

  /** A column's width: 0 (no column) unless {@code shown}. */
  private static int column(
      Plan plan, String title, java.util.function.Function<HostPlan, String> value, boolean shown) {
    if (!shown) {
      return 0;
    }
    return Math.max(
        title.length(),
        plan.hosts().stream().mapToInt(h -> value.apply(h).length()).max().orElse(0));
  }

  private static String row(
      int width,
      String host,
      String decision,
      String wave,
      int tierWidth,
      String tier,
      int domainWidth,
      String domain,
      String reason) {
    StringBuilder line = new StringBuilder();
    line.append(String.format("%-" + width + "s  %-8s %-4s ", host, decision, wave));
    if (tierWidth > 0) {
      line.append(String.format("%-" + tierWidth + "s ", tier));
    }
    if (domainWidth > 0) {
      line.append(String.format("%-" + domainWidth + "s ", domain));
    }
    return line.append(reason).toString().stripTrailing();
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
    java.io.StringWriter out = new java.io.StringWriter();
    try {
      json(plan, Optional.empty(), Instant.now(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * The plan as JSON, written as it goes: a fleet's plan is tens of megabytes, neither a tree nor a
   * string of it is needed.
   */
  static void json(Plan plan, Optional<WindowStatus> window, Instant now, Writer out)
      throws IOException {
    try (JsonGenerator g = WRITER.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("workspace", plan.workspace());
      g.writeStringField("workflow", plan.workflow());
      g.writeStringField("host_pattern", plan.hostPattern());
      if (plan.limit().isPresent()) {
        g.writeStringField("limit", plan.limit().get());
      }
      g.writeStringField("sort_order", plan.sortOrder().word());
      g.writeNumberField("seed", plan.seed());
      g.writeObjectFieldStart("counts");
      for (Map.Entry<Decision, Integer> count : plan.counts().entrySet()) {
        g.writeNumberField(count.getKey().word(), count.getValue().intValue());
      }
      g.writeEndObject();
      if (window.isPresent()) {
        WindowStatus w = window.get();
        g.writeObjectFieldStart("maintenance_window");
        g.writeBooleanField("open", !now.isBefore(w.opens()));
        g.writeStringField("opens", w.opens().toString());
        g.writeStringField("closes", w.closes().toString());
        g.writeStringField("time_zone", w.timeZone());
        g.writeStringField("text", w.describe(now));
        g.writeEndObject();
      }
      g.writeArrayFieldStart("strategy");
      for (String line : Strategies.describe(plan.strategy())) {
        g.writeString(line);
      }
      g.writeEndArray();
      java.util.List<Integer> waves = plan.waves();
      g.writeArrayFieldStart("hosts");
      for (int i = 0; i < plan.hosts().size(); i++) {
        HostPlan h = plan.hosts().get(i);
        g.writeStartObject();
        g.writeStringField("host", h.host());
        g.writeStringField("decision", h.decision().word());
        if (waves.get(i) > 0) {
          g.writeNumberField("wave", waves.get(i).intValue());
        }
        if (!h.tier().isEmpty()) {
          g.writeStringField("tier", h.tier());
        }
        if (!h.domain().isEmpty()) {
          g.writeStringField("domain", h.domain());
        }
        g.writeStringField("reason", h.reason());
        if (!h.note().isEmpty()) {
          g.writeStringField("note", h.note());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }
}
