package dev.amble.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts every payload with AES-256-GCM under the current key: the encoded payload's data is a
 * random 96-bit nonce followed by the ciphertext (with its 128-bit tag) of the whole original
 * payload, metadata included; its metadata says only {@code encoding: binary/encrypted}, the key's
 * ID and the cipher. The key ID is authenticated with the payload, so a payload cannot be passed
 * off as encrypted under another key.
 *
 * <p>A client's codec ({@link #dataConverter}) leaves payloads that are not encrypted as they are
 * (histories recorded before the key, a status a keyless worker wrote), and fails with a message
 * naming the key ID when this process does not have the key a payload was encrypted with.
 *
 * <p>A worker's codec ({@link #workerDataConverter}) accepts only payloads encrypted with one of
 * its keys: anything else (plain text, another key, altered) decodes to a {@link RefusedPayload},
 * which no value can be read from. So a workflow started, signalled or updated by whoever lacks the
 * key, and an activity scheduled with such input, never reach amble's code: the start fails naming
 * the reason, the signal is dropped (Temporal's SDK logs and counts it), the update is rejected,
 * the activity fails. Nothing of it fails the workflow task over and over.
 */
public final class EncryptionCodec implements PayloadCodec {
  public static final String ENCODING = "binary/encrypted";
  public static final String KEY_ID = "encryption-key-id";
  public static final String CIPHER = "encryption-cipher";
  static final String CIPHER_NAME = "AES-256-GCM";

  private static final String METADATA_ENCODING = "encoding";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CodecKeys keys;
  private final boolean refusePlaintext;

  /** A client's codec: payloads that are not encrypted are read as they are. */
  public EncryptionCodec(CodecKeys keys) {
    this(keys, false);
  }

  private EncryptionCodec(CodecKeys keys, boolean refusePlaintext) {
    this.keys = keys;
    this.refusePlaintext = refusePlaintext;
  }

  /** A worker's codec: only payloads encrypted with one of {@code keys} are read. */
  public static EncryptionCodec refusingPlaintext(CodecKeys keys) {
    return new EncryptionCodec(keys, true);
  }

  /**
   * Temporal's default converter with this codec over every payload, failure messages and stack
   * traces included (Temporal moves them into an encoded payload).
   */
  public static DataConverter dataConverter(CodecKeys keys) {
    return new CodecDataConverter(
        PayloadJson.converter(), List.of(new EncryptionCodec(keys)), true);
  }

  /**
   * A worker's converter: {@link #dataConverter}'s encryption, and only payloads encrypted with one
   * of {@code keys} read (see the class comment).
   */
  public static DataConverter workerDataConverter(CodecKeys keys) {
    return new CodecDataConverter(
        PayloadJson.converter().withPayloadConverterOverrides(new RefusedPayload.Converter()),
        List.of(refusingPlaintext(keys)),
        true);
  }

  /** Whether {@code payload} is one this codec encrypted (with any key). */
  public static boolean isEncrypted(Payload payload) {
    ByteString encoding = payload.getMetadataMap().get(METADATA_ENCODING);
    return encoding != null && encoding.toStringUtf8().equals(ENCODING);
  }

  /** The ID of the key an encrypted payload needs. */
  public static Optional<String> keyId(Payload payload) {
    return Optional.ofNullable(payload.getMetadataMap().get(KEY_ID)).map(ByteString::toStringUtf8);
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(encrypt(p));
    }
    return out;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    List<Payload> out = new ArrayList<>(payloads.size());
    for (Payload p : payloads) {
      out.add(refusePlaintext ? decryptOrRefuse(p) : isEncrypted(p) ? decrypt(p) : p);
    }
    return out;
  }

  private Payload decryptOrRefuse(Payload p) {
    if (!isEncrypted(p)) {
      return RefusedPayload.of(
          "a payload that is not encrypted: this worker holds encryption keys ("
              + keys.source()
              + ") and reads only what was encrypted with one of them; whoever sent it does not"
              + " have amble's key (set "
              + CodecKeys.KEY_FILE
              + " or "
              + CodecKeys.KEYS
              + " where it runs)");
    }
    try {
      return decrypt(p);
    } catch (PayloadCodecException e) {
      return RefusedPayload.of(e.getMessage());
    }
  }

  private Payload encrypt(Payload payload) {
    CodecKey key = keys.current();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(associatedData(key.id()));
      byte[] sealed = cipher.doFinal(payload.toByteArray());
      ByteBuffer data = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return Payload.newBuilder()
          .putMetadata(METADATA_ENCODING, ByteString.copyFromUtf8(ENCODING))
          .putMetadata(KEY_ID, ByteString.copyFromUtf8(key.id()))
          .putMetadata(CIPHER, ByteString.copyFromUtf8(CIPHER_NAME))
          .setData(ByteString.copyFrom(data.array()))
          .build();
    } catch (GeneralSecurityException e) {
      throw new PayloadCodecException("encrypting a payload with key " + key.id() + " failed", e);
    }
  }

  private Payload decrypt(Payload payload) {
    String id =
        keyId(payload)
            .orElseThrow(
                () -> new PayloadCodecException("an encrypted payload names no encryption key"));
    CodecKey key =
        keys.find(id)
            .orElseThrow(
                () ->
                    new PayloadCodecException(
                        "a payload is encrypted with key "
                            + id
                            + ", which this process does not have (its keys, from "
                            + keys.source()
                            + ": "
                            + keys.byId().keySet().stream()
                                .sorted()
                                .collect(Collectors.joining(", "))
                            + "); add that key's file to "
                            + CodecKeys.KEYS));
    byte[] data = payload.getData().toByteArray();
    if (data.length < NONCE_BYTES) {
      throw new PayloadCodecException("a payload encrypted with key " + id + " is truncated");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key.key(), new GCMParameterSpec(TAG_BITS, data, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData(id));
      return Payload.parseFrom(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES));
    } catch (AEADBadTagException e) {
      throw new PayloadCodecException(
          "a payload encrypted with key " + id + " does not decrypt with it: altered or corrupt");
    } catch (GeneralSecurityException | InvalidProtocolBufferException e) {
      throw new PayloadCodecException(
          "a payload encrypted with key " + id + " cannot be decrypted", e);
    }
  }

  private static byte[] associatedData(String keyId) {
    return ("amble payload v1 " + keyId).getBytes(StandardCharsets.US_ASCII);
  }
}
