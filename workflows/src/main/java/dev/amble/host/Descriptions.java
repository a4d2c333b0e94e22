package dev.amble.host;

/**
 * What the Web UI shows of a host walk: how it ended and why, and its live current details (its
 * static summary is set by the rollout that starts it).
 */
public final class Descriptions {
  private Descriptions() {}

  /** How a walk ended and why, with the last lines of the run that failed it. */
  public static String hostEnded(String outcome, String reason, java.util.List<String> tail) {
    StringBuilder md = new StringBuilder("**").append(outcome).append("**: ").append(reason);
    if (!tail.isEmpty()) {
      md.append("\n\n```\n");
      tail.forEach(line -> md.append(line.replace("```", "'''")).append('\n'));
      md.append("```");
    }
    return md.toString();
  }

  public static String hostNow(HostProgress p) {
    if (p.step().equals("done") || p.step().equals("prepare") || p.step().equals("starting")) {
      return "**" + p.step() + "**";
    }
    return "**" + p.step() + "** (" + p.jobsDone() + " of " + p.jobs() + " jobs done)";
  }
}
