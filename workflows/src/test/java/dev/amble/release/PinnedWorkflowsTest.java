package dev.amble.release;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.content.ContentWorkflowImpl;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.logs.LogWorkflowImpl;
import dev.amble.notify.NotifierWorkflowImpl;
import dev.amble.pages.PageWorkflowImpl;
import dev.amble.rollout.RolloutWorkflowImpl;
import dev.amble.schedule.LauncherWorkflowImpl;
import io.temporal.workflow.WorkflowVersioningBehavior;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What Worker Versioning pins (README, "Upgrading workers"): a host walk ends on the build it
 * started on, and a rollout's run stays on its build until it continues as new. Everything else
 * takes the worker's default (auto-upgrade) and keeps its version markers. A workflow that starts
 * to pin, or stops, changes how amble upgrades: this fails until the README says so too.
 */
class PinnedWorkflowsTest {
  @Test
  void hostWalksAndRolloutRunsArePinnedAndNothingElse() {
    Map<String, String> pinned = new TreeMap<>();
    for (Class<?> c :
        List.of(
            HostWorkflowImpl.class,
            RolloutWorkflowImpl.class,
            PageWorkflowImpl.class,
            ContentWorkflowImpl.class,
            NotifierWorkflowImpl.class,
            LauncherWorkflowImpl.class,
            LogWorkflowImpl.class)) {
      for (Method m : c.getDeclaredMethods()) {
        WorkflowVersioningBehavior b = m.getAnnotation(WorkflowVersioningBehavior.class);
        if (b != null) {
          pinned.put(c.getSimpleName() + "." + m.getName(), b.value().name());
        }
      }
    }
    assertEquals(
        Map.of("HostWorkflowImpl.walk", "PINNED", "RolloutWorkflowImpl.run", "PINNED"),
        pinned,
        Arrays.toString(pinned.keySet().toArray()));
  }
}
