/**
 * Steering a running rollout: {@code catch}, {@code release}, {@code cancel}, {@code unlock}, and
 * {@code listen}, which does the same from messages.
 */
package dev.amble.cli.steer;
