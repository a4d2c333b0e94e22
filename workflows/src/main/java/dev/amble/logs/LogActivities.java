package dev.amble.logs;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Reading a log on the worker that wrote it. */
@ActivityInterface
public interface LogActivities {
  @ActivityMethod
  LogPiece readLog(LogRequest request);
}
