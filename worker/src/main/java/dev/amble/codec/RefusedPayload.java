package dev.amble.codec;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverterException;
import io.temporal.common.converter.PayloadConverter;
import java.lang.reflect.Type;
import java.util.Optional;

/**
 * What a worker's codec makes of a payload it refuses to read (see {@link EncryptionCodec}): a
 * payload of its own encoding that carries only the reason, and that no value can be read from.
 * Reading one throws {@link RefusedPayloadException}, a {@link DataConverterException}, which is
 * what Temporal's SDK expects of a payload it cannot read: it drops such a signal, rejects such an
 * update and fails such an activity, and a workflow registered with {@code AmbleWorker.WORKFLOWS}
 * fails with it as its reason.
 */
public final class RefusedPayload {
  /** The encoding of a refused payload; never written to Temporal, only made while decoding. */
  public static final String ENCODING = "binary/amble-refused";

  private RefusedPayload() {}

  static Payload of(String reason) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8(ENCODING))
        .setData(ByteString.copyFromUtf8(reason))
        .build();
  }

  /** A payload that was refused, and why. */
  public static final class RefusedPayloadException extends DataConverterException {
    private static final long serialVersionUID = 1L;

    RefusedPayloadException(String reason) {
      super("amble refused " + reason, (Throwable) null);
    }
  }

  /** Reads no value: every refused payload is an exception naming its reason. */
  static final class Converter implements PayloadConverter {
    @Override
    public String getEncodingType() {
      return ENCODING;
    }

    @Override
    public Optional<Payload> toData(Object value) {
      return Optional.empty();
    }

    @Override
    public <T> T fromData(Payload content, Class<T> valueType, Type valueGenericType) {
      throw new RefusedPayloadException(content.getData().toStringUtf8());
    }
  }
}
