package dev.amble.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemoteStateTest {
  static RemoteState.WorkspaceRecord record(String started, String succeeded) {
    return new RemoteState.WorkspaceRecord("w", "r", started, Optional.of(succeeded));
  }

  /** ISO text sorts a whole second after its fractions, and across offsets wrongly. */
  @Test
  void unfinishedComparesInstantsNotText() {
    assertFalse(record("2026-01-01T10:00:00Z", "2026-01-01T10:00:00.500Z").unfinished());
    assertTrue(record("2026-01-01T10:00:00.500Z", "2026-01-01T10:00:00Z").unfinished());
    assertFalse(record("2026-01-01T10:00:00.100Z", "2026-01-01T10:00:00.100500Z").unfinished());
    assertFalse(record("2026-01-01T11:00:00+02:00", "2026-01-01T09:30:00Z").unfinished());
    assertTrue(record("2026-01-01T10:00:00Z", "not a time").unfinished());
    assertTrue(
        new RemoteState.WorkspaceRecord("w", "r", "2026-01-01T10:00:00Z", Optional.empty())
            .unfinished());
  }

  @Test
  void locksAndRecordsAreKeyedByProjectAndWorkspace() throws Exception {
    JsonNode facts =
        new ObjectMapper()
            .readTree(
                """
                {"ansible_local": {
                  "amble_lock": {"workspace": "shop/prod", "project": "shop", "rollout": "r1"},
                  "amble_state": {"workspaces": {
                    "prod": {"workflow": "w", "rollout": "r0", "started": "2026-01-01T00:00:00Z"},
                    "shop/prod": {"workflow": "w", "rollout": "r1", "started": "2026-01-02T00:00:00Z"}
                  }}}}
                """);
    RemoteState shop = RemoteState.fromFacts(facts, "shop", "prod");
    assertEquals("r1", shop.workspace().orElseThrow().rollout());
    assertTrue(shop.lockedByOther("shop", "prod").isEmpty());
    RemoteState plain = RemoteState.fromFacts(facts, "default", "prod");
    assertEquals("r0", plain.workspace().orElseThrow().rollout());
    RemoteState.Lock held = plain.lockedByOther("default", "prod").orElseThrow();
    assertEquals("shop", held.project());
    assertEquals("prod", held.workspace());
    assertEquals("shop/prod", held.holder());
    // How walks recorded before projects decided: by the name alone.
    assertTrue(plain.lockedByOtherName("prod").isEmpty());
    assertTrue(RemoteState.fromFacts(facts, "web", "prod").workspace().isEmpty());
  }
}
