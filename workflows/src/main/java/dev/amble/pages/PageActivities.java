package dev.amble.pages;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reads a page back from Temporal (its page workflow's input), on any worker. */
@ActivityInterface
public interface PageActivities {
  @ActivityMethod(name = "readPage")
  Page read(String pageId);
}
