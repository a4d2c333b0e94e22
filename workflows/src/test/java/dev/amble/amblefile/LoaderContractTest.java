package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The fuzz tests' contract ends a loader that loops or waits forever, and only such a loader. */
class LoaderContractTest {
  private static final Duration SHORT = Duration.ofMillis(300);

  @Test
  void aLoaderThatSpinsIsStoppedByItsCpuTime() {
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                LoaderContract.check(
                    "x",
                    text -> {
                      long n = 0;
                      while (!Thread.currentThread().isInterrupted()) {
                        n++;
                      }
                      return "spun " + n;
                    },
                    SHORT,
                    Duration.ofMinutes(5)));
    assertTrue(e.getMessage().startsWith("no answer after 300 ms of the loader's CPU time"));
  }

  @Test
  void aLoaderThatWaitsForeverIsStoppedByTheClock() {
    CountDownLatch never = new CountDownLatch(1);
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () ->
                LoaderContract.check(
                    "x",
                    text -> {
                      try {
                        never.await();
                      } catch (InterruptedException stopped) {
                        Thread.currentThread().interrupt();
                      }
                      return "woke";
                    },
                    Duration.ofMinutes(5),
                    SHORT));
    assertTrue(e.getMessage().startsWith("no answer after"), e.getMessage());
  }

  /**
   * The loader's thread serves every check: loads that each spend less than the limit keep the
   * contract however much they spent together (counted from the thread's start, the fifth would
   * fail, as one did in a full run).
   */
  @Test
  void eachLoadIsGivenTheWholeLimit() {
    java.lang.management.ThreadMXBean cpu =
        java.lang.management.ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 5; i++) {
      assertDoesNotThrow(
          () ->
              LoaderContract.check(
                  "x",
                  text -> {
                    long until = cpu.getCurrentThreadCpuTime() + SHORT.toNanos() / 2;
                    while (cpu.getCurrentThreadCpuTime() < until) {
                      Thread.onSpinWait();
                    }
                    return null;
                  },
                  SHORT,
                  Duration.ofMinutes(5)));
    }
  }

  @Test
  void aLoaderThatAnswersKeepsTheContract() {
    assertDoesNotThrow(() -> LoaderContract.check("x", text -> null, SHORT, Duration.ofMinutes(5)));
  }
}
