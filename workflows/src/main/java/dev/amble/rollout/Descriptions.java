package dev.amble.rollout;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.JobSpec;
import dev.amble.health.HealthCheckResult;
import dev.amble.visibility.Strategies;
import java.util.List;

/**
 * What the Web UI shows of a rollout: a one-line static summary, static details (markdown: what the
 * rollout will do, and how to steer it), and live current details; and the static summary of each
 * host walk it starts (the host walk's own details are {@link dev.amble.host.Descriptions}).
 */
public final class Descriptions {
  private Descriptions() {}

  public static String rolloutSummary(RolloutRequest r) {
    return (r.dryRun() ? "amble check" : "amble rollout")
        + " of workspace "
        + r.workspace()
        + ": workflow "
        + r.definition().workflow().name()
        + " on "
        + r.definition().workspace().hostPattern()
        + r.limit().map(l -> " limited to " + l).orElse("")
        + r.definition().content().map(c -> ", content " + c.shortText()).orElse("");
  }

  public static String rolloutDetails(RolloutRequest r) {
    Definition d = r.definition();
    StringBuilder md = new StringBuilder();
    md.append("**Workspace** `")
        .append(r.workspace())
        .append("`, started by ")
        .append(r.startedBy())
        .append("\n\n");
    md.append("- hosts: `").append(d.workspace().hostPattern()).append('`');
    r.limit().ifPresent(l -> md.append(", limited to `").append(l).append('`'));
    md.append("\n- order: ").append(d.workspace().sortOrder().word());
    md.append(", ").append(r.concurrency()).append(" at a time");
    md.append(
        r.dryRun()
            ? "\n- **dry run** (amble check): ansible-playbook --check, nothing written"
            : "");
    md.append("\n- Amblefile: `").append(d.amblefile()).append("`\n");
    d.content()
        .ifPresent(
            c ->
                md.append("- content: `")
                    .append(c.digest())
                    .append("`, ")
                    .append(c.files())
                    .append(" files")
                    .append(c.commit().map(g -> ", git commit `" + g + "`").orElse(""))
                    .append('\n'));
    for (String line : Strategies.describe(d.workspace().strategy())) {
      md.append("- ").append(line).append('\n');
    }
    md.append('\n');
    md.append("**Jobs**\n\n");
    steps(md, d.steps());
    if (!d.exitSteps().isEmpty()) {
      md.append("\n**Exit jobs** (once any job began, also after a failure)\n\n");
      steps(md, d.exitSteps());
    }
    md.append(
        "\n**Steering**: send the signal `catch` (input `{\"reason\": \"why\", \"by\": \"you\"}`) to"
            + " stop starting hosts; `release` to resume, walking failed hosts again first"
            + " (`\"skipFailed\": true` leaves them failed): its input names the rollout and the"
            + " catch it ends, as the current details show while the rollout is caught ("
            + releaseInput("ROLLOUT", 1)
            + "); a release for another catch changes nothing.\n"
            + "\n**Cancel**: the signal `cancel` (input `{\"reason\": \"why\", \"by\": \"you\"}`)"
            + " starts no new host, lets the hosts in flight finish their walk, and ends the"
            + " rollout `cancelled` (`amble cancel`). **Request Cancellation** is `amble cancel"
            + " --now`: the jobs in flight are stopped (their Ansible processes ended), their exit"
            + " jobs still run, then the rollout ends `cancelled`.\n");
    return md.toString();
  }

  private static void steps(StringBuilder md, List<Definition.Step> steps) {
    for (Definition.Step s : steps) {
      JobSpec j = s.job();
      md.append(s.index() + 1).append(". `").append(j.name()).append('`');
      if (!s.options().isEmpty()) {
        md.append(" with ").append(s.options());
      }
      md.append(", timeout ").append(DurationText.format(j.timeout()));
      if (!j.preconditions().equals(JobSpec.ALWAYS)) {
        md.append(", when `").append(j.preconditions().strip().replaceAll("\\s+", " ")).append('`');
      }
      md.append('\n');
    }
  }

  /** {@link #rolloutNow(RolloutStatus)}, and the maintenance window as it is at {@code now}. */
  public static String rolloutNow(RolloutStatus s, java.time.Instant now) {
    return rolloutNow(s) + s.window().map(w -> "\n\n" + w.describe(now)).orElse("");
  }

  public static String rolloutNow(RolloutStatus s) {
    StringBuilder md = new StringBuilder();
    md.append("**").append(s.phase()).append("**: ");
    int done = s.counts().values().stream().mapToInt(Integer::intValue).sum();
    md.append(done).append(" of ").append(s.total()).append(" hosts done");
    StringBuilder counts = new StringBuilder();
    s.counts()
        .forEach(
            (k, v) -> {
              if (v > 0) {
                counts.append(counts.length() == 0 ? "" : ", ").append(v).append(' ').append(k);
              }
            });
    if (counts.length() > 0) {
      md.append(" (").append(counts).append(')');
    }
    md.append(", ").append(s.remaining()).append(" to go");
    Progress p = s.progress();
    if (p.tier() > 0) {
      md.append("\n\ntier ")
          .append(p.tier())
          .append(" of ")
          .append(p.tiers())
          .append(": ")
          .append(p.tierName());
    }
    if (p.waves() > 1) {
      md.append("\n\nwave ").append(p.wave()).append(" of ").append(p.waves());
    }
    if (!p.inFlightByDomain().isEmpty()) {
      md.append("\n\nin flight per failure domain: ");
      p.inFlightByDomain().forEach((d, n) -> md.append(d).append(' ').append(n).append(", "));
      md.setLength(md.length() - 2);
    }
    if (p.maxFailures() > 0 || p.maxWaveFailures() >= 0 || p.failures() > 0) {
      md.append("\n\nfailure budget: ")
          .append(p.failures())
          .append(" of ")
          .append(p.maxFailures())
          .append(" used");
      if (p.maxWaveFailures() >= 0) {
        md.append(", this wave ")
            .append(p.waveFailures())
            .append(" of ")
            .append(p.maxWaveFailures());
      }
    }
    if (!p.healthChecks().isEmpty()) {
      HealthCheckResult last = p.healthChecks().get(p.healthChecks().size() - 1);
      md.append("\n\nlast check: ")
          .append(last.healthCheck())
          .append(" for ")
          .append(last.scope())
          .append(last.passed() ? ": passed" : ": **failed**: " + last.message());
    }
    if (!s.ended().isEmpty()) {
      md.append("\n\n").append(s.ended());
    }
    if (!s.inProgress().isEmpty()) {
      md.append("\n\nwalking now: ").append(String.join(", ", s.inProgress()));
    }
    if (s.caught().caught()) {
      md.append("\n\n**CAUGHT** by ")
          .append(s.caught().by())
          .append(": ")
          .append(s.caught().reason());
      if (!s.awaiting().isEmpty()) {
        md.append("\n\nfailed, waiting for release: ").append(String.join(", ", s.awaiting()));
      }
      if (s.caught().number() > 0) {
        md.append("\n\nrelease it with the signal `release`, input `")
            .append(releaseInput(s.rollout(), s.caught().number()))
            .append('`');
      }
    }
    return md.toString();
  }

  /** The input of a release of catch {@code caught} of the rollout {@code rollout}. */
  static String releaseInput(String rollout, int caught) {
    return "{\"skipFailed\": false, \"by\": \"you\", \"rollout\": \""
        + rollout
        + "\", \"caught\": "
        + caught
        + "}";
  }

  public static String hostSummary(String workspace, String host) {
    return "amble host " + host + " of workspace " + workspace;
  }
}
