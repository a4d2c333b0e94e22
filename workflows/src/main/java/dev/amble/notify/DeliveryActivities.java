package dev.amble.notify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Sends one notice to one target, from the worker: secrets are read there, from the environment
 * variables the Amblefile names. A failure that retrying cannot mend (a variable not set, a
 * receiver's refusal) is not retried.
 */
@ActivityInterface
public interface DeliveryActivities {
  @ActivityMethod(name = "Deliver")
  void deliver(Delivery delivery);
}
