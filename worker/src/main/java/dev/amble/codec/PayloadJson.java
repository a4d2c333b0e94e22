package dev.amble.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * How amble writes its payloads as JSON: Temporal's default converter, except that a payload with a
 * property the reader does not know is read, the property left out. A newer release may add a
 * component to a payload (a host walk's outcome, a request); a worker of the release before it,
 * still running during an upgrade, then reads it instead of failing its task until a newer worker
 * takes it. A property that is renamed or whose meaning changes still needs an alias or a version
 * marker (RELEASING.md). A record's property whose value is what reading the record without it
 * gives is left out ({@link AbsentDefaults}).
 */
public final class PayloadJson {
  private PayloadJson() {}

  /** Temporal's default converter with the forward-compatible JSON. */
  public static DefaultDataConverter converter() {
    ObjectMapper json =
        JacksonJsonPayloadConverter.newDefaultObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(AbsentDefaults.module());
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(json));
  }
}
