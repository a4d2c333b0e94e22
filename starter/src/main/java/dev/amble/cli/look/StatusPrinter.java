package dev.amble.cli.look;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.amble.host.Outcome;
import dev.amble.rollout.HostResult;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.Steering;
import java.io.PrintWriter;

/** A rollout's status for people (and as JSON for programs). */
final class StatusPrinter {
  static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new Jdk8Module())
          .registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private StatusPrinter() {}

  static String json(Object s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** "6 succeeded, 2 skipped, 1 failed": the outcomes that happened, in a fixed order. */
  static String counts(RolloutStatus s) {
    StringBuilder out = new StringBuilder();
    for (Outcome o : Outcome.values()) {
      int n = s.count(o);
      if (n > 0) {
        out.append(out.length() == 0 ? "" : ", ").append(n).append(' ').append(o.word());
      }
    }
    return out.length() == 0 ? "nothing done yet" : out.toString();
  }

  static String hostLine(String host, HostResult r, int width) {
    return String.format("  %-" + width + "s  %-11s %s", host, r.outcome().word(), r.reason())
        .stripTrailing();
  }

  static int width(RolloutStatus s) {
    int w = 4;
    for (String h : s.results().keySet()) {
      w = Math.max(w, h.length());
    }
    for (String h : s.inProgress()) {
      w = Math.max(w, h.length());
    }
    return Math.min(w, 60);
  }

  /**
   * The rollout for people: what it is and where, why it ended, its counts, the hosts in flight,
   * the catch and the hosts awaiting a release, one page of its failed hosts, its checks, and who
   * steered it.
   */
  static void print(RolloutView view, FailedHosts.Listing failed, PrintWriter out) {
    RolloutStatus s = view.status();
    if (s.startedBy().isEmpty()) {
      // It closed before it recorded anything.
      out.printf(
          "Rollout of workspace %s (run %s): %s%n", s.workspace(), s.rollout(), view.phase());
    } else {
      out.printf(
          "Rollout of workspace %s (workflow %s%s), started by %s: %s%n",
          s.workspace(), s.workflow(), s.dryRun() ? ", dry run" : "", s.startedBy(), view.phase());
    }
    if (!view.ended().isEmpty()) {
      out.printf("  ended: %s%n", view.ended());
    }
    if (view.ended().isEmpty()) {
      out.printf(
          "  %d hosts: %s; %d in progress, %d to go%n",
          s.total(), counts(s), s.inProgress().size(), s.remaining());
    } else {
      out.printf(
          "  %d hosts: %s%s; %d not walked%n",
          s.total(),
          counts(s),
          s.inProgress().isEmpty() ? "" : "; " + s.inProgress().size() + " in flight when it ended",
          s.remaining());
    }
    if (view.ended().isEmpty()) {
      s.window().ifPresent(w -> out.printf("  %s%n", w.describe(java.time.Instant.now())));
    }
    if (!s.rollout().isEmpty() || s.seed() != 0) {
      out.printf("  rollout %s, seed %d%n", s.rollout(), s.seed());
    }
    s.content()
        .ifPresent(
            c -> out.printf("  content %s, %d files (%s)%n", c.shortText(), c.files(), c.digest()));
    var p = s.progress();
    if (p.tier() > 0) {
      out.printf("  tier %d of %d: %s%n", p.tier(), p.tiers(), p.tierName());
    }
    if (p.waves() > 1) {
      out.printf("  wave %d of %d (sizes %s)%n", p.wave(), p.waves(), p.waveSizes());
    }
    if (!p.inFlightByDomain().isEmpty()) {
      out.printf(
          "  in flight per failure domain: %s%n",
          p.inFlightByDomain().entrySet().stream()
              .map(e -> e.getKey() + " " + e.getValue())
              .collect(java.util.stream.Collectors.joining(", ")));
    }
    if (p.maxFailures() > 0 || p.maxWaveFailures() >= 0 || p.failures() > 0) {
      out.printf(
          "  failure budget: %d of %d used%s%n",
          p.failures(),
          p.maxFailures(),
          p.maxWaveFailures() >= 0
              ? ", this wave " + p.waveFailures() + " of " + p.maxWaveFailures()
              : "");
    }
    if (s.caught().caught() && !s.done() && view.closed().isEmpty()) {
      out.printf(
          "  CAUGHT since %s by %s: %s%n",
          s.caught().since(), s.caught().by(), s.caught().reason());
      if (!s.awaiting().isEmpty()) {
        out.printf(
            "  `amble release` walks %s again first; `amble release --skip-failed` leaves %s failed and moves on%n",
            String.join(", ", s.awaiting()), s.awaiting().size() == 1 ? "it" : "them");
      } else {
        out.println("  `amble release` resumes the rollout");
      }
    }
    if (!s.inProgress().isEmpty()) {
      out.println(view.ended().isEmpty() ? "In progress:" : "In flight when it ended:");
      s.inProgress().forEach(h -> out.printf("  %s%n", h));
    }
    failed(failed, out);
    if (!p.healthChecks().isEmpty()) {
      out.println("Checks (latest last):");
      for (var g : p.healthChecks()) {
        out.printf(
            "  %s  %-12s %-24s %s%n",
            g.at(),
            g.healthCheck(),
            g.scope(),
            g.passed() ? "passed" : "FAILED (" + g.onFailure().word() + "): " + g.message());
      }
    }
    if (!s.steering().isEmpty()) {
      out.println("Steering:");
      for (Steering st : s.steering()) {
        out.printf("  %s%n", steering(st));
      }
    }
    out.flush();
  }

  /** One act of steering on a line: when, what, by whom, why. */
  static String steering(Steering st) {
    return String.format(
        "%s  %-21s by %s%s",
        st.at(), st.kind(), st.by(), st.reason().isEmpty() ? "" : ": " + st.reason());
  }

  /** One page of the failed hosts, and how to see the others. */
  static void failed(FailedHosts.Listing l, PrintWriter out) {
    if (l.total() > 0) {
      int first = (l.page() - 1) * l.pageSize() + 1;
      int last = first + l.hosts().size() - 1;
      String more =
          l.pages() == 1
              ? ""
              : l.page() < l.pages()
                  ? ", page "
                      + l.page()
                      + " of "
                      + l.pages()
                      + ": --page "
                      + (l.page() + 1)
                      + " for the next"
                  : ", page " + l.page() + " of " + l.pages();
      out.printf(
          "Failed hosts, oldest first (%s of %d%s):%n",
          l.hosts().isEmpty() ? "none" : first + "-" + last, l.total(), more);
      int width = 4;
      for (FailedHosts.Line h : l.hosts()) {
        width = Math.min(60, Math.max(width, h.host().length()));
      }
      for (FailedHosts.Line h : l.hosts()) {
        out.println(
            String.format(
                    "  %-" + width + "s  %-11s %s%s",
                    h.host(),
                    h.outcome(),
                    h.awaiting() ? "[awaiting release] " : "",
                    h.reason())
                .stripTrailing());
      }
    }
    if (l.total() == 0 && (l.unlisted() > 0 || !l.missingPages().isEmpty())) {
      out.println("Failed hosts:");
    }
    for (String page : l.missingPages()) {
      out.printf("  (page %s is no longer in Temporal: its hosts cannot be listed)%n", page);
    }
    if (l.unlisted() > 0) {
      out.printf(
          "  %d more failed host%s known only to the rollout itself: a running worker lists %s%n",
          l.unlisted(),
          l.unlisted() == 1 ? " (the latest) is" : "s (the latest) are",
          l.unlisted() == 1 ? "it" : "them");
    }
  }

  /**
   * The rollout as JSON: the rollout's status as it gave it, and {@code source}, {@code phase} and
   * {@code ended} as status shows them, {@code closed} (how Temporal closed its run, when not by
   * completing), and {@code failedHosts}, one page of every failed host.
   */
  static String json(RolloutView view, FailedHosts.Listing failed) {
    ObjectNode node = JSON.valueToTree(view.status());
    node.put("source", view.source());
    node.put("phase", view.phase());
    node.put("ended", view.ended());
    view.closed().ifPresent(c -> node.set("closed", JSON.valueToTree(c)));
    node.set("failedHosts", JSON.valueToTree(failed));
    return json(node);
  }

  /** One host's walk: each step, when, how long, on which worker, how it went; then its outcome. */
  static void host(HostWalk w, PrintWriter out) {
    out.printf("Host %s of workspace %s: %s%n", w.host(), w.workspace(), w.outcome());
    if (!w.reason().isEmpty()) {
      out.printf("  %s%n", w.reason());
    }
    out.printf(
        "  walk %s (run %s) of rollout %s%s, started %s%s%n",
        w.workflowId(),
        w.runId(),
        w.rollout().isEmpty() ? "?" : w.rollout(),
        w.wave() > 0 ? ", wave " + w.wave() : "",
        second(w.started()),
        w.closedAt()
            .map(
                c ->
                    ", "
                        + w.status()
                        + " after "
                        + took(java.time.Duration.between(w.started(), c).toMillis()))
            .orElse(", running"));
    if (!w.steps().isEmpty()) {
      int width = "step".length();
      int workerWidth = "worker".length();
      for (HostWalk.Step st : w.steps()) {
        width = Math.max(width, st.name().length());
        workerWidth = Math.max(workerWidth, st.worker().length());
      }
      width = Math.min(width, 40);
      workerWidth = Math.min(workerWidth, 40);
      String row = "  %-" + width + "s  %-20s  %7s  %-" + workerWidth + "s  %s%n";
      out.printf(row, "step", "started", "took", "worker", "result");
      for (HostWalk.Step st : w.steps()) {
        out.printf(
            row,
            st.name(),
            st.started().map(StatusPrinter::second).orElse("-"),
            st.tookMillis().map(StatusPrinter::took).orElse("-"),
            st.worker().isEmpty() ? "-" : st.worker(),
            st.result()
                + (st.attempt() > 1 && !st.result().contains("attempt")
                    ? " (attempt " + st.attempt() + ")"
                    : ""));
      }
    }
    for (HostWalk.Step st : w.steps()) {
      if (!st.tail().isEmpty()) {
        out.printf(
            "  last lines of %s, as recorded (all of it: %s --step %s):%n",
            st.name(), logsCommand(w), shellWord(st.name()));
        st.tail().forEach(line -> out.printf("    %s%n", line));
      }
    }
    if (!w.log().isEmpty()) {
      out.printf("  log: %s (on the worker that ran it; %s prints it)%n", w.log(), logsCommand(w));
    }
    out.flush();
  }

  private static String logsCommand(HostWalk w) {
    return "amble logs " + shellWord(w.host()) + " -w " + shellWord(w.workspace());
  }

  /** A word as a POSIX shell reads it back: as it is when it can be, else in single quotes. */
  static String shellWord(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_./:@%+=,-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /** An instant to the second, ISO-8601. */
  static String second(java.time.Instant at) {
    return at.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  /** "0.4s", "12s", "3m04s", "2h05m": how long, as people read it. */
  static String took(long millis) {
    if (millis < 10_000) {
      return String.format(java.util.Locale.ROOT, "%.1fs", millis / 1000.0);
    }
    long s = millis / 1000;
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
