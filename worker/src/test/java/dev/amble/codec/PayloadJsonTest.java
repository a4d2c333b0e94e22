package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A payload written by a newer release, with a property this release does not know, is read: the
 * host walk's outcome a newer worker returned to an older rollout worker during an upgrade.
 */
class PayloadJsonTest {
  private static final String NEWER =
      "{\"host\":\"web01\",\"outcome\":\"FAILED\",\"reason\":\"job upgrade: failed: boom\","
          + "\"log\":\"\",\"healthChecks\":[],\"failedTask\":\"apt\"}";

  private static Payload json(String text) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFrom(text, StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aPropertyFromANewerReleaseIsLeftOut() {
    HostOutcome o =
        PayloadJson.converter().fromPayload(json(NEWER), HostOutcome.class, HostOutcome.class);
    assertEquals(new HostOutcome("web01", Outcome.FAILED, "job upgrade: failed: boom", ""), o);
  }

  @Test
  void temporalsDefaultRefusesIt() {
    assertThrows(
        DataConverterException.class,
        () ->
            DefaultDataConverter.newDefaultInstance()
                .fromPayload(json(NEWER), HostOutcome.class, HostOutcome.class));
  }

  @Test
  void aWorkersConverterReadsItToo() {
    CodecKeys keys = CodecKeys.of("test", List.of(CodecKey.of(new byte[32])));
    Payload encrypted = EncryptionCodec.refusingPlaintext(keys).encode(List.of(json(NEWER))).get(0);
    HostOutcome o =
        EncryptionCodec.workerDataConverter(keys)
            .fromPayload(encrypted, HostOutcome.class, HostOutcome.class);
    assertEquals(Outcome.FAILED, o.outcome());
  }
}
