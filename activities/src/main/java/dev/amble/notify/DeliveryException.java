package dev.amble.notify;

import io.temporal.failure.ApplicationFailure;

/** Why a delivery failed, in words that hold no secret; retried or not. */
final class DeliveryException {
  private DeliveryException() {}

  /** A failure retrying may mend: a receiver down, a timeout, a server error. */
  static ApplicationFailure retried(String message) {
    return ApplicationFailure.newFailure(message, "DeliveryFailed");
  }

  /** A failure no retry mends: a variable not set, a receiver that refuses the request. */
  static ApplicationFailure refused(String message) {
    return ApplicationFailure.newNonRetryableFailure(message, "DeliveryRefused");
  }
}
