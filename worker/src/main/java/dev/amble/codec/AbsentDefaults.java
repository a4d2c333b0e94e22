package dev.amble.codec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Leaves out of amble's payloads a record's property whose value is what reading the record without
 * it gives: its type's zero for a primitive, and for the rest whatever the record's constructor
 * makes of a missing one ({@code null}, or the default it puts in its place). A host walk's input
 * then carries its settings, not every default of the Amblefile's model (issue 30: history bytes
 * per host).
 *
 * <p>The default is asked of the record itself, once per type: its canonical constructor with every
 * argument missing. A record whose constructor refuses that, or that reads its JSON through a
 * creator of its own, is written whole. What this asks of a change to the model: a property that
 * gains a default for a missing value is, from then on, left out when it has it, and a build from
 * before the change reads it missing: give the default only where the builds before it read a
 * missing value the same way (RELEASING.md).
 */
final class AbsentDefaults extends BeanSerializerModifier {
  /** The module that writes amble's records this way. */
  static SimpleModule module() {
    return new SimpleModule("amble-absent-defaults").setSerializerModifier(new AbsentDefaults());
  }

  @Override
  public List<BeanPropertyWriter> changeProperties(
      SerializationConfig config, BeanDescription description, List<BeanPropertyWriter> writers) {
    Class<?> type = description.getBeanClass();
    if (!type.isRecord() || !type.getName().startsWith("dev.amble.")) {
      return writers;
    }
    Optional<Object> absent = readWithout(type);
    if (absent.isEmpty()) {
      return writers;
    }
    List<BeanPropertyWriter> changed = new ArrayList<>();
    for (BeanPropertyWriter w : writers) {
      try {
        changed.add(new OmittedWhen(w, w.get(absent.get())));
      } catch (Exception noValue) {
        changed.add(w);
      }
    }
    return changed;
  }

  /** The record as its constructor makes it of nothing; empty when it will not. */
  static Optional<Object> readWithout(Class<?> type) {
    RecordComponent[] components = type.getRecordComponents();
    Class<?>[] types =
        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    if (Stream.concat(
            Arrays.stream(type.getDeclaredConstructors()), Arrays.stream(type.getDeclaredMethods()))
        .anyMatch(AbsentDefaults::creates)) {
      return Optional.empty();
    }
    Object[] missing = Arrays.stream(types).map(AbsentDefaults::zero).toArray();
    try {
      Constructor<?> canonical = type.getDeclaredConstructor(types);
      canonical.setAccessible(true);
      return Optional.of(canonical.newInstance(missing));
    } catch (ReflectiveOperationException | RuntimeException refused) {
      return Optional.empty();
    }
  }

  private static boolean creates(Executable e) {
    return e.isAnnotationPresent(JsonCreator.class);
  }

  private static Object zero(Class<?> t) {
    if (!t.isPrimitive()) {
      return null;
    }
    if (t == boolean.class) {
      return false;
    }
    if (t == char.class) {
      return '\0';
    }
    if (t == long.class) {
      return 0L;
    }
    if (t == double.class) {
      return 0.0;
    }
    if (t == float.class) {
      return 0.0f;
    }
    if (t == short.class) {
      return (short) 0;
    }
    if (t == byte.class) {
      return (byte) 0;
    }
    return 0;
  }

  /** A property left out while it has its absent value. */
  static final class OmittedWhen extends BeanPropertyWriter {
    private final Object absent;

    OmittedWhen(BeanPropertyWriter base, Object absent) {
      super(base);
      this.absent = absent;
    }

    @Override
    public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider provider)
        throws Exception {
      if (Objects.equals(get(bean), absent)) {
        return;
      }
      super.serializeAsField(bean, gen, provider);
    }
  }
}
