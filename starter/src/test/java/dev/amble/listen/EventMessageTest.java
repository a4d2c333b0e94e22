package dev.amble.listen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventMessageTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  private static EventMessage parse(String json) {
    return EventMessage.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String refusal(String json) {
    EventMessage.Refused e = assertThrows(EventMessage.Refused.class, () -> parse(json));
    assertEquals(Outcome.Kind.MALFORMED, e.outcome().kind());
    assertEquals(400, e.outcome().kind().http());
    return e.getMessage();
  }

  @Test
  void readsARunWithOptions() {
    EventMessage m =
        parse(
            """
            {"id": "deploy-42", "action": "run", "workspace": "fleet", "content": "%s",
             "limit": "web*", "options": {"waves": ["1", "50%%"], "seed": 7, "max_failures": "2"},
             "reason": "kernel"}
            """
                .formatted(DIGEST));
    assertEquals(EventMessage.Action.RUN, m.action());
    assertEquals("default", m.project());
    assertEquals(Optional.of("web*"), m.limit());
    assertEquals(Map.of("waves", "1,50%", "seed", "7", "max_failures", "2"), m.options());
    assertEquals("amble/@event/default/fleet/deploy-42", m.eventWorkflowId());
  }

  @Test
  void readsSteering() {
    EventMessage release =
        parse(
            """
            {"id": "r1", "action": "release", "project": "p", "workspace": "w",
             "catch": "2026-11-29T05:00:00Z", "options": {"skip_failed": true}}
            """);
    assertEquals(Optional.of("2026-11-29T05:00:00Z"), release.catchSince());
    assertEquals("true", release.options().get("skip_failed"));
    EventMessage cancel =
        parse(
            """
            {"id": "c1", "action": "CANCEL", "workspace": "w", "rollout": "run-1", "reason": "x"}
            """);
    assertEquals(EventMessage.Action.CANCEL, cancel.action());
    assertEquals("x", cancel.reason());
  }

  @Test
  void refusesWhatIsNotAWellFormedMessage() {
    assertTrue(refusal("{not json").startsWith("not JSON"));
    assertTrue(refusal("[1]").contains("JSON object"));
    assertTrue(refusal("{\"action\":\"run\",\"workspace\":\"w\"}").contains("id is missing"));
    assertTrue(refusal("{\"id\":\"a\",\"workspace\":\"w\"}").contains("action is missing"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"reboot\",\"workspace\":\"w\"}")
            .contains("none of run, catch, release, cancel"));
    assertTrue(refusal("{\"id\":\"a\",\"action\":\"catch\"}").contains("workspace is missing"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"run\",\"workspace\":\"w\"}").contains("needs content"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"run\",\"workspace\":\"w\",\"content\":\"abc\"}")
            .contains("not a digest"));
    assertTrue(
        refusal("{\"id\":\"a b\",\"action\":\"catch\",\"workspace\":\"w\"}")
            .contains("id must be"));
    assertTrue(
        refusal("{\"id\":\"../x\",\"action\":\"catch\",\"workspace\":\"w\"}")
            .contains("id must be"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"catch\",\"workspace\":\"w\",\"wrokspace\":\"v\"}")
            .contains("unknown key(s) wrokspace"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"release\",\"workspace\":\"w\"}")
            .contains("needs catch"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"cancel\",\"workspace\":\"w\"}")
            .contains("needs rollout"));
    assertTrue(
        refusal(
                "{\"id\":\"a\",\"action\":\"run\",\"workspace\":\"w\",\"content\":\""
                    + DIGEST
                    + "\",\"options\":{\"ignore_windows\":true}}")
            .contains("options.ignore_windows is not a run option"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"catch\",\"workspace\":\"w\",\"options\":{\"seed\":1}}")
            .contains("options are for run"));
    assertTrue(
        refusal(
                "{\"id\":\"a\",\"action\":\"run\",\"workspace\":\"w\",\"content\":\""
                    + DIGEST
                    + "\",\"options\":{\"seed\":\"x\"}}")
            .contains("seed must be a whole number"));
    assertTrue(
        refusal("{\"id\":\"a\",\"action\":\"catch\",\"workspace\":\"w\",\"limit\":\"x\"}")
            .contains("for run only"));
    byte[] big = new byte[EventMessage.MAX_BYTES + 1];
    assertThrows(EventMessage.Refused.class, () -> EventMessage.parse(big));
  }

  @Test
  void aMalformedBodyIsAnsweredWithoutAskingTheSteering() {
    Steering never =
        (m, source) -> {
          throw new AssertionError("handled " + m);
        };
    Outcome o = never.handle("{}".getBytes(StandardCharsets.UTF_8), "test", Grant.LEAST);
    assertEquals(Outcome.Kind.MALFORMED, o.kind());
    assertFalse(o.done());
    assertTrue(o.json().contains("\"outcome\":\"malformed\""), o.json());
  }

  @Test
  void theTokenMustMatchExactly() {
    ListenToken token = new ListenToken("s3cret", Grant.LEAST);
    assertTrue(HttpListener.authorized("Bearer s3cret", token));
    assertTrue(HttpListener.authorized("bearer s3cret", token));
    assertFalse(HttpListener.authorized(null, token));
    assertFalse(HttpListener.authorized("Bearer s3cre", token));
    assertFalse(HttpListener.authorized("Bearer s3cret2", token));
    assertFalse(HttpListener.authorized("Basic s3cret", token));
    assertFalse(HttpListener.authorized("Bearer ", new ListenToken("", Grant.LEAST)));
  }

  @Test
  void aLimitNeverNamesAFile() {
    for (String limit : new String[] {"@/etc/passwd", "web*,@hosts.txt", "@retry"}) {
      assertTrue(
          refusal(
                  "{\"id\":\"a\",\"action\":\"run\",\"workspace\":\"w\",\"content\":\""
                      + DIGEST
                      + "\",\"limit\":\""
                      + limit
                      + "\"}")
              .contains("limit must not name a file"),
          limit);
    }
  }

  /**
   * A sender that reuses a message ID for a release or a cancel must not have it swallowed by
   * Temporal as the earlier update of that ID (answered as if it had been applied).
   */
  @Test
  void eachSteeringActionAndTargetHasAnUpdateIdOfItsOwn() {
    String catchIt = "{\"id\":\"m\",\"action\":\"catch\",\"workspace\":\"w\"}";
    String release1 = "{\"id\":\"m\",\"action\":\"release\",\"workspace\":\"w\",\"catch\":\"T1\"}";
    String release2 = "{\"id\":\"m\",\"action\":\"release\",\"workspace\":\"w\",\"catch\":\"T2\"}";
    String cancel = "{\"id\":\"m\",\"action\":\"cancel\",\"workspace\":\"w\",\"rollout\":\"R\"}";
    java.util.Set<String> ids =
        java.util.Set.of(
            parse(catchIt).updateId(),
            parse(release1).updateId(),
            parse(release2).updateId(),
            parse(cancel).updateId());
    assertEquals(4, ids.size(), ids.toString());
    assertEquals("amble/@event/default/w/m/release/T1", parse(release1).updateId());
    assertEquals("amble/@event/default/w/m/cancel/R", parse(cancel).updateId());
    // The same message again: the same update, which Temporal applies once.
    assertEquals(parse(release1).updateId(), parse(release1).updateId());
  }
}
