package dev.amble.notify;

import java.util.List;

/** What a notifier keeps in its memo, for {@code amble status} to read without a worker. */
public record NotifierMemo(List<GivenUp> givenUp) {
  public static final String MEMO_KEY = "amble-notifier";

  public NotifierMemo {
    givenUp = givenUp == null ? List.of() : List.copyOf(givenUp);
  }
}
