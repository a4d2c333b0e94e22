package dev.amble.notify;

import dev.amble.amblefile.Notification;

/** One notice to one target: what a delivery activity sends. */
public record Delivery(Notice notice, Notification notification) {}
