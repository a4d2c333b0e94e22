package dev.amble.worker;

import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import io.temporal.activity.Activity;
import java.util.Locale;
import java.util.Map;

/**
 * The host activities, each job run timed on the worker's metrics ({@value
 * MetricsEndpoint#JOB_DURATION}, tagged with the job's name and how the run ended: a {@code
 * RunStatus} word, or {@code fault} when the activity threw). Through the activity's metrics scope,
 * so the SDK's tags (namespace, task queue, activity type) come along.
 */
final class TimedHostActivities implements HostActivities {
  private final HostActivities activities;

  TimedHostActivities(HostActivities activities) {
    this.activities = activities;
  }

  @Override
  public Preparation prepareHost(PrepareRequest request) {
    return activities.prepareHost(request);
  }

  @Override
  public RunResult runJob(JobRequest request) {
    long start = System.nanoTime();
    String status = "fault";
    try {
      RunResult r = activities.runJob(request);
      status = r.status().name().toLowerCase(Locale.ROOT);
      return r;
    } finally {
      Activity.getExecutionContext()
          .getMetricsScope()
          .tagged(Map.of("job", request.step().job().name(), "status", status))
          .timer(MetricsEndpoint.JOB_DURATION)
          .record(com.uber.m3.util.Duration.ofNanos(System.nanoTime() - start));
    }
  }

  @Override
  public RunResult finishHost(FinishRequest request) {
    return activities.finishHost(request);
  }
}
