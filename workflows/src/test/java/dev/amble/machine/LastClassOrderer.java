package dev.amble.machine;

import java.util.Comparator;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Keeps the order the test classes came in, but moves the classes annotated {@link RunsLast} to the
 * end (a stable sort).
 */
public final class LastClassOrderer implements ClassOrderer {
  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator.comparing(c -> c.isAnnotated(RunsLast.class)));
  }
}
