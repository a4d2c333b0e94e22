package dev.amble.machine;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that JUnit runs after every other class of its run ({@link LastClassOrderer}, set in
 * junit-platform.properties): a check of what the others did in this JVM.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RunsLast {}
