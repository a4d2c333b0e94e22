package dev.amble.cli.look;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.notify.GivenUp;
import dev.amble.notify.NotifierMemo;
import dev.amble.notify.NotifierWorkflow;
import dev.amble.temporal.Executions;
import io.temporal.client.WorkflowClient;
import java.io.PrintWriter;
import java.util.List;

/**
 * The workspace's deliveries that gave up, as its notifier ({@code
 * amble/@notify/PROJECT/WORKSPACE}) keeps them in its memo: readable without a worker, and after
 * the notifier ended.
 */
public final class NotificationStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NotificationStatus() {}

  public static List<GivenUp> givenUp(WorkflowClient client, String project, String workspace) {
    return Executions.memo(
            client,
            NotifierWorkflow.workflowId(project, workspace),
            NotifierMemo.MEMO_KEY,
            NotifierMemo.class)
        .map(NotifierMemo::givenUp)
        .orElse(List.of());
  }

  /** "notifications: 1 delivery gave up (the latest 20 are kept):" and one line each. */
  static void print(List<GivenUp> givenUp, PrintWriter out) {
    if (givenUp.isEmpty()) {
      return;
    }
    out.printf(
        "Notifications: %d %s gave up (the latest %d are kept; see the worker's environment and"
            + " the receiver):%n",
        givenUp.size(),
        givenUp.size() == 1 ? "delivery" : "deliveries",
        NotifierWorkflow.KEEP_GIVEN_UP);
    givenUp.forEach(g -> out.printf("  %s%n", g.describe()));
  }

  /** The status JSON with {@code notifications: {givenUp: [...]}} added. */
  static String json(String status, List<GivenUp> givenUp) {
    try {
      ObjectNode node = (ObjectNode) JSON.readTree(status);
      node.putObject("notifications").set("givenUp", JSON.valueToTree(givenUp));
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
