package dev.amble.codec;

import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.List;

/**
 * The codec of a process without payload keys: it writes payloads as they are, and reading one
 * {@link EncryptionCodec} encrypted fails with a message naming the key it needs and where keys
 * come from, instead of Temporal's "no converter for binary/encrypted".
 */
public final class MissingKeyCodec implements PayloadCodec {
  /** Temporal's default converter, with this codec over it (failures are not encoded). */
  public static DataConverter dataConverter() {
    return new CodecDataConverter(PayloadJson.converter(), List.of(new MissingKeyCodec()), false);
  }

  @Override
  public List<Payload> encode(List<Payload> payloads) {
    return payloads;
  }

  @Override
  public List<Payload> decode(List<Payload> payloads) {
    for (Payload p : payloads) {
      if (EncryptionCodec.isEncrypted(p)) {
        throw new PayloadCodecException(message(EncryptionCodec.keyId(p).orElse("(unnamed)")));
      }
    }
    return payloads;
  }

  static String message(String keyId) {
    return "a payload is encrypted with key "
        + keyId
        + ", and this process has no payload keys: set "
        + CodecKeys.KEY_FILE
        + " to that key's file (or "
        + CodecKeys.KEYS
        + " to several), or run where `amble server` keeps its key ("
        + CodecKeys.LOCAL_KEY
        + ")";
  }
}
