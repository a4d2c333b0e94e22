package dev.amble.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import dev.amble.host.Outcome;
import dev.amble.rollout.HostResult;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.Steering;
import java.io.PrintWriter;
import java.util.Map;

/** A rollout's status for people (and as JSON for programs). */
final class StatusPrinter {
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new Jdk8Module()).enable(SerializationFeature.INDENT_OUTPUT);

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
    return String.format("  %-" + width + "s  %-11s %s", host, r.outcome().word(), r.reason()).stripTrailing();
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

  static void print(RolloutStatus s, PrintWriter out) {
    out.printf(
        "Rollout of workspace %s (workflow %s%s), started by %s: %s%n",
        s.workspace(),
        s.workflow(),
        s.check() ? ", check mode" : "",
        s.startedBy(),
        s.phase());
    out.printf(
        "  %d hosts: %s; %d in progress, %d to go%n",
        s.total(),
        counts(s),
        s.inProgress().size(),
        s.remaining());
    var p = s.progress();
    if (p.waves() > 1) {
      out.printf("  wave %d of %d (sizes %s)%n", p.wave(), p.waves(), p.waveSizes());
    }
    if (p.maxFailures() > 0 || p.maxWaveFailures() >= 0 || p.failures() > 0) {
      out.printf(
          "  failure budget: %d of %d used%s%n",
          p.failures(),
          p.maxFailures(),
          p.maxWaveFailures() >= 0 ? ", this wave " + p.waveFailures() + " of " + p.maxWaveFailures() : "");
    }
    if (s.caught().caught()) {
      out.printf("  CAUGHT since %s by %s: %s%n", s.caught().since(), s.caught().by(), s.caught().reason());
      if (!s.awaiting().isEmpty()) {
        out.printf(
            "  `amble release` walks %s again first; `amble release --skip-failed` leaves %s failed and moves on%n",
            String.join(", ", s.awaiting()),
            s.awaiting().size() == 1 ? "it" : "them");
      } else {
        out.println("  `amble release` resumes the walk");
      }
    }
    int width = width(s);
    if (!s.inProgress().isEmpty()) {
      out.println("In progress:");
      s.inProgress().forEach(h -> out.printf("  %s%n", h));
    }
    if (!s.results().isEmpty()) {
      out.println("Done:");
      for (Map.Entry<String, HostResult> e : s.results().entrySet()) {
        out.println(hostLine(e.getKey(), e.getValue(), width));
      }
    }
    if (!p.gates().isEmpty()) {
      out.println("Checks (latest last):");
      for (var g : p.gates()) {
        out.printf("  %s  %-12s %-24s %s%n", g.at(), g.gate(), g.scope(), g.passed() ? "passed" : "FAILED (" + g.onFailure().word() + "): " + g.message());
      }
    }
    if (!s.steering().isEmpty()) {
      out.println("Steering:");
      for (Steering st : s.steering()) {
        out.printf("  %s  %-21s by %s%s%n", st.at(), st.kind(), st.by(), st.reason().isEmpty() ? "" : ": " + st.reason());
      }
    }
    out.flush();
  }
}
