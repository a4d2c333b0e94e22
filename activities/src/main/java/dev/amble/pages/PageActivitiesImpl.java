package dev.amble.pages;

import io.temporal.failure.ApplicationFailure;

/** {@link PageActivities} from Temporal itself. */
public final class PageActivitiesImpl implements PageActivities {
  private final TemporalPages pages;

  public PageActivitiesImpl(TemporalPages pages) {
    this.pages = pages;
  }

  @Override
  public Page read(String pageId) {
    return pages
        .read(pageId)
        .orElseThrow(
            () ->
                ApplicationFailure.newNonRetryableFailure(
                    "page " + pageId + " is not in Temporal (was it terminated?)", "PageMissing"));
  }
}
