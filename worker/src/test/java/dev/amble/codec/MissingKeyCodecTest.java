package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process without payload keys reads plain payloads and names the key an encrypted one needs. */
class MissingKeyCodecTest {
  @TempDir Path dir;

  @Test
  void anEncryptedPayloadNamesItsKeyAndWhereKeysComeFrom() throws Exception {
    CodecKey key = CodecKey.create(dir.resolve("k"));
    Payload encrypted =
        EncryptionCodec.dataConverter(CodecKeys.of("test", List.of(key)))
            .toPayload("secret")
            .orElseThrow();
    DataConverter keyless = MissingKeyCodec.dataConverter();

    PayloadCodecException e =
        assertThrows(
            PayloadCodecException.class,
            () -> keyless.fromPayload(encrypted, String.class, String.class));

    String message = String.valueOf(e.getMessage());
    assertTrue(message.contains("key " + key.id()), message);
    assertTrue(message.contains(CodecKeys.KEY_FILE), message);
  }

  @Test
  void plainPayloadsPassBothWays() {
    DataConverter keyless = MissingKeyCodec.dataConverter();
    Optional<Payload> written = keyless.toPayload("plain");

    assertEquals(DefaultDataConverter.newDefaultInstance().toPayload("plain"), written);
    assertEquals("plain", keyless.fromPayload(written.orElseThrow(), String.class, String.class));
  }
}
