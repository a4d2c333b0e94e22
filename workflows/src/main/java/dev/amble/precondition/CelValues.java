package dev.amble.precondition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON data (facts, inventory vars, options) as the values CEL evaluates over. */
public final class CelValues {
  private CelValues() {}

  public static Object of(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> map(node);
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        node.forEach(item -> list.add(of(item)));
        yield list;
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER ->
          node.isIntegralNumber() && node.canConvertToLong()
              ? (Object) node.longValue()
              : (Object) node.doubleValue();
      case NULL, MISSING -> NullValue.NULL_VALUE;
      case BINARY, POJO -> node.asText();
    };
  }

  /** A JSON object as a CEL map; anything else gives an empty map. */
  public static Map<String, Object> map(JsonNode node) {
    Map<String, Object> map = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> map.put(e.getKey(), of(e.getValue())));
    }
    return map;
  }
}
