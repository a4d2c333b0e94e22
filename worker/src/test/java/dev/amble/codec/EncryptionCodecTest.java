package dev.amble.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionCodecTest {
  private static final String MARKER = "marker-7f3a9c-secret";

  @TempDir Path dir;

  private CodecKeys keys(Path... files) {
    return CodecKeys.of("test", java.util.Arrays.stream(files).map(CodecKey::read).toList());
  }

  private Path newKey(String name) throws Exception {
    Path file = dir.resolve(name);
    CodecKey.create(file);
    return file;
  }

  private static Payload json(String text) {
    return DefaultDataConverter.newDefaultInstance().toPayload(text).orElseThrow();
  }

  private static boolean contains(Payload p, String text) {
    return p.toByteString().toString(StandardCharsets.UTF_8).contains(text);
  }

  @Test
  void roundTripHidesTheDataAndRestoresThePayloadWithItsMetadata() throws Exception {
    EncryptionCodec codec = new EncryptionCodec(keys(newKey("k1")));
    Payload plain = json(MARKER);

    Payload encoded = codec.encode(List.of(plain)).get(0);

    assertTrue(EncryptionCodec.isEncrypted(encoded));
    assertEquals("binary/encrypted", encoded.getMetadataOrThrow("encoding").toStringUtf8());
    assertEquals(CodecKey.read(dir.resolve("k1")).id(), EncryptionCodec.keyId(encoded).get());
    assertFalse(contains(encoded, MARKER));
    assertFalse(contains(encoded, "json/plain"), "the original encoding is encrypted too");
    assertEquals(plain, codec.decode(List.of(encoded)).get(0));
    assertNotEquals(
        encoded.getData(),
        codec.encode(List.of(plain)).get(0).getData(),
        "a fresh nonce for every payload");
  }

  @Test
  void aKeyThatRotatedOutStillDecrypts() throws Exception {
    Path k1 = newKey("k1");
    Path k2 = newKey("k2");
    Payload underKey1 = new EncryptionCodec(keys(k1)).encode(List.of(json(MARKER))).get(0);

    EncryptionCodec rotated = new EncryptionCodec(keys(k2, k1));

    assertEquals(json(MARKER), rotated.decode(List.of(underKey1)).get(0));
    Payload underKey2 = rotated.encode(List.of(json(MARKER))).get(0);
    assertEquals(CodecKey.read(k2).id(), EncryptionCodec.keyId(underKey2).get());
  }

  @Test
  void aPayloadUnderAnUnknownKeyFailsNamingTheKey() throws Exception {
    Path k1 = newKey("k1");
    Payload underKey1 = new EncryptionCodec(keys(k1)).encode(List.of(json(MARKER))).get(0);

    PayloadCodecException e =
        assertThrows(
            PayloadCodecException.class,
            () -> new EncryptionCodec(keys(newKey("k2"))).decode(List.of(underKey1)));

    assertTrue(e.getMessage().contains("key " + CodecKey.read(k1).id()), e.getMessage());
    assertTrue(e.getMessage().contains(CodecKey.read(dir.resolve("k2")).id()), e.getMessage());
  }

  @Test
  void anAlteredPayloadFailsNamingTheKey() throws Exception {
    EncryptionCodec codec = new EncryptionCodec(keys(newKey("k1")));
    Payload encoded = codec.encode(List.of(json(MARKER))).get(0);
    byte[] data = encoded.getData().toByteArray();
    data[data.length - 1] ^= 1;
    Payload altered = encoded.toBuilder().setData(ByteString.copyFrom(data)).build();

    PayloadCodecException e =
        assertThrows(PayloadCodecException.class, () -> codec.decode(List.of(altered)));

    assertTrue(e.getMessage().contains("altered or corrupt"), e.getMessage());
  }

  @Test
  void plainPayloadsPassThroughDecoding() throws Exception {
    EncryptionCodec codec = new EncryptionCodec(keys(newKey("k1")));
    Payload plain = json(MARKER);
    Payload raw = Payload.newBuilder().setData(ByteString.copyFromUtf8("{\"x\":1}")).build();

    List<Payload> decoded = codec.decode(List.of(plain, raw));

    assertSame(plain, decoded.get(0));
    assertSame(raw, decoded.get(1));
  }

  @Test
  void theDataConverterEncryptsFailureMessagesAndStillReadsPlainValues() throws Exception {
    DataConverter converter = EncryptionCodec.dataConverter(keys(newKey("k1")));

    Payload value = converter.toPayload(MARKER).orElseThrow();
    assertFalse(contains(value, MARKER));
    assertEquals(MARKER, converter.fromPayload(value, String.class, String.class));
    assertEquals(MARKER, converter.fromPayload(json(MARKER), String.class, String.class));

    Failure failure =
        converter.exceptionToFailure(
            ApplicationFailure.newFailure("task failed: " + MARKER, "TaskFailed"));
    assertFalse(failure.toString().contains(MARKER), failure.toString());
    assertEquals("Encoded failure", failure.getMessage(), "what the README says stays in place");
    assertTrue(
        converter.failureToException(failure).getMessage().contains(MARKER),
        "the converter with the key reads the message back");
  }

  @Test
  void aNewKeyFileIsTheOwnersOnlyAndHoldsNoMoreThanTheKey() throws Exception {
    Path file = newKey("k1");

    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(44, Files.readString(file).strip().length());
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> CodecKey.create(file));
    assertArrayEquals(
        CodecKey.read(file).key().getEncoded(), CodecKey.read(file).key().getEncoded());
  }

  @Test
  void aFileThatHoldsNoKeyIsNamedWithoutItsContent() throws Exception {
    Path file = Files.writeString(dir.resolve("bad"), "not-a-key-" + MARKER);

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> CodecKey.read(file));

    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertFalse(e.getMessage().contains(MARKER), e.getMessage());
  }

  @Test
  void settingsNameKeyFilesTheFirstCurrentAndFallBackToTheLocalServersKey() throws Exception {
    Path k1 = newKey("k1");
    Path k2 = newKey("k2");

    CodecKeys both = CodecKeys.fromEnvironment(Map.of(CodecKeys.KEYS, "k2, k1"), dir).orElseThrow();
    assertEquals(CodecKey.read(k2).id(), both.current().id());
    assertEquals(2, both.byId().size());
    assertEquals(
        CodecKey.read(k1).id(),
        CodecKeys.fromEnvironment(Map.of(CodecKeys.KEY_FILE, k1.toString()), dir)
            .orElseThrow()
            .current()
            .id());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            CodecKeys.fromEnvironment(Map.of(CodecKeys.KEYS, "k1", CodecKeys.KEY_FILE, "k2"), dir));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> CodecKeys.fromEnvironment(Map.of(CodecKeys.KEY_FILE, "nope"), dir));
    assertTrue(missing.getMessage().contains("nope"), missing.getMessage());

    assertEquals(Optional.empty(), CodecKeys.fromEnvironment(Map.of(), dir));
    Files.createDirectories(dir.resolve(".amble/server"));
    CodecKey local = CodecKey.create(dir.resolve(CodecKeys.LOCAL_KEY));
    assertEquals(local.id(), CodecKeys.fromEnvironment(Map.of(), dir).orElseThrow().current().id());
  }
}
