package dev.amble.notify;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** A notice as people read it (Slack, e-mail), and its Web UI link. */
final class NoticeText {
  private NoticeText() {}

  /** "[amble] default/fleet: caught" */
  static String subject(NotifyEvent e) {
    return oneLine(
        "[amble] " + e.project() + "/" + e.workspace() + ": " + e.kind().replace('_', ' '));
  }

  /**
   * The rollout's page in the Web UI at {@code ui} (the worker's {@code AMBLE_UI_URL}), if one is
   * configured.
   */
  static Optional<String> link(Optional<String> ui, Notice n) {
    return ui.filter(u -> !u.isBlank())
        .map(
            u ->
                u.replaceAll("/+$", "")
                    + "/namespaces/"
                    + encode(n.namespace().isEmpty() ? "default" : n.namespace())
                    + "/workflows/"
                    + encode(n.event().workflowId())
                    + "/"
                    + encode(n.event().run())
                    + "/history");
  }

  /** The message: what happened, where, the commands that act on it, the link, the output. */
  static String body(Notice n, Optional<String> link, List<String> output) {
    NotifyEvent e = n.event();
    StringBuilder b = new StringBuilder();
    b.append("amble: workspace ")
        .append(e.workspace())
        .append(" of project ")
        .append(e.project())
        .append(": ")
        .append(e.what())
        .append('\n');
    if (!e.host().isEmpty()) {
      b.append("host: ").append(e.host()).append('\n');
    }
    if (!e.step().isEmpty()) {
      b.append("step: ").append(e.step()).append('\n');
    }
    if (!e.task().isEmpty()) {
      b.append("task: ").append(e.task()).append('\n');
    }
    if (!e.counts().isEmpty()) {
      b.append("hosts: ");
      new TreeMap<>(e.counts()).forEach((k, v) -> b.append(k).append(' ').append(v).append(", "));
      b.setLength(b.length() - 2);
      b.append('\n');
    }
    b.append("rollout: ")
        .append(e.workflowId())
        .append(" (rollout ")
        .append(e.rollout())
        .append(", run ")
        .append(e.run())
        .append(")\n");
    if (!e.act().isEmpty()) {
      b.append("act (in the Amblefile's folder):\n");
      e.act().forEach(c -> b.append("  ").append(c).append('\n'));
    }
    link.ifPresent(l -> b.append("Web UI: ").append(l).append('\n'));
    if (!output.isEmpty()) {
      b.append("failed task output (last lines):\n");
      output.forEach(l -> b.append("  ").append(l).append('\n'));
    }
    b.append("event ").append(e.id()).append(" at ").append(e.at()).append('\n');
    return b.toString();
  }

  static String oneLine(String s) {
    return s.replaceAll("[\\r\\n]+", " ");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
