package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import dev.amble.host.WalkEnd;
import io.temporal.api.common.v1.Payload;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The walk-end report is the contract between builds under Worker Versioning: a host walk pinned to
 * build N reports its end to a rollout that may have moved to build N+1, and the other way round
 * when a broken build is rolled back. Its shape is versioned ({@link WalkEnd#VERSION}); these tests
 * pin shape 1 as 0.1.0 writes it, and read it the way a newer and an older build would.
 */
class WalkEndContractTest {
  /** A report of shape 1, as every build since 0.1.0 writes it. */
  static final String SHAPE_1 =
      """
      {"version":1,"rollout":"0199a1b2-rollout","outcome":{"host":"web01","outcome":"FAILED",\
      "reason":"job upgrade: failed: boom","log":"/var/log/x.log","healthChecks":[],\
      "failure":{"step":"","task":"","detail":""}}}""";

  /**
   * Shape 1 as this build writes it: without the outcome's empty health checks and failure, which
   * every build of shape 1 reads as those (an outcome from before they existed has none): the same
   * report to every build, in fewer bytes ({@link AbsentDefaults}).
   */
  static final String SHAPE_1_WRITTEN =
      """
      {"version":1,"rollout":"0199a1b2-rollout","outcome":{"host":"web01","outcome":"FAILED",\
      "reason":"job upgrade: failed: boom","log":"/var/log/x.log"}}""";

  /** A report of a later shape: a component this build does not know, in it and in its outcome. */
  static final String LATER_SHAPE =
      """
      {"version":2,"rollout":"0199a1b2-rollout","walkedOn":"0.3.0","outcome":{"host":"web01",\
      "outcome":"FAILED","reason":"job upgrade: failed: boom","log":"/var/log/x.log",\
      "healthChecks":[],"failedTask":"apt"}}""";

  private static final WalkEnd REPORT =
      new WalkEnd(
          1,
          "0199a1b2-rollout",
          new HostOutcome("web01", Outcome.FAILED, "job upgrade: failed: boom", "/var/log/x.log"));

  @Test
  void thisBuildWritesShape1() throws Exception {
    Payload written = PayloadJson.converter().toPayload(REPORT).orElseThrow();
    ObjectMapper json = new ObjectMapper();
    assertEquals(
        json.readTree(SHAPE_1_WRITTEN),
        json.readTree(written.getData().toStringUtf8()),
        "the report's shape changed: bump WalkEnd.VERSION, keep reading shape 1, and pin the new"
            + " shape here beside it");
    assertEquals(1, WalkEnd.VERSION);
  }

  @Test
  void shape1IsRead() {
    assertEquals(REPORT, read(SHAPE_1));
    assertEquals(REPORT, read(SHAPE_1_WRITTEN));
  }

  @Test
  void aLaterShapeIsReadForWhatItShares() {
    WalkEnd later = read(LATER_SHAPE);
    assertEquals(2, later.version());
    assertEquals(REPORT.rollout(), later.rollout());
    assertEquals(REPORT.outcome(), later.outcome());
  }

  private static WalkEnd read(String text) {
    Payload p =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
            .build();
    return PayloadJson.converter().fromPayload(p, WalkEnd.class, WalkEnd.class);
  }
}
