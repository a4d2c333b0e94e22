package dev.amble.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
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
 * <p>Decoding leaves payloads that are not encrypted as they are (histories recorded before, a
 * signal typed into the Web UI), and fails with a message naming the key ID when this process does
 * not have the key a payload was encrypted with.
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

  public EncryptionCodec(CodecKeys keys) {
    this.keys = keys;
  }

  /**
   * Temporal's default converter with this codec over every payload, failure messages and stack
   * traces included (Temporal moves them into an encoded payload).
   */
  public static DataConverter dataConverter(CodecKeys keys) {
    return new CodecDataConverter(
        DefaultDataConverter.newDefaultInstance(), List.of(new EncryptionCodec(keys)), true);
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
      out.add(isEncrypted(p) ? decrypt(p) : p);
    }
    return out;
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
