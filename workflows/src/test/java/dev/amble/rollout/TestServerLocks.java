package dev.amble.rollout;

import io.temporal.testing.TestWorkflowEnvironment;
import java.lang.reflect.Field;
import java.util.LinkedList;
import java.util.concurrent.locks.Lock;

/**
 * Takes a quadratic cost out of Temporal's test server (temporal-test-server 1.38.0) for the tests
 * that walk thousands of hosts on it.
 *
 * <p>Its time-skipping timer ({@code SelfAdvancingTimerImpl}) appends every lock and unlock to one
 * {@code LinkedList} of events, for the diagnostics it prints on an unbalanced unlock. A lock and
 * unlock by name add two events that nothing removes; an unlock by handle removes its lock event
 * with {@code LinkedList.remove(Object)}, which scans from the oldest event. So each such unlock
 * walks every event before it: 10,000 host walks leave about 100,000 events, and the test server
 * spent most of TenThousandHostsTest's time in that scan, on one core (jstack: 7 samples of 8).
 *
 * <p>This swaps the list for one that drops the unlock events and looks for the event to remove
 * from the newest. Time skipping reads the lock count, not the list: what the tests prove does not
 * change, only the diagnostics of an unbalanced unlock lose their unlock lines. Fails when the test
 * server no longer has these fields, so that an upgrade of Temporal's SDK checks whether it is
 * still needed.
 */
final class TestServerLocks {
  private TestServerLocks() {}

  /** Before {@code env} starts: its timer keeps only the lock events still held. */
  static void keepHeldOnly(TestWorkflowEnvironment env) {
    try {
      Object service = field(env, "service");
      Object timer = field(service, "selfAdvancingTimer");
      Lock lock = (Lock) field(timer, "lock");
      Field events = timer.getClass().getDeclaredField("lockEvents");
      events.setAccessible(true);
      lock.lock();
      try {
        HeldOnly held = new HeldOnly();
        for (Object e : (LinkedList<?>) events.get(timer)) {
          held.add(e);
        }
        events.set(timer, held);
      } finally {
        lock.unlock();
      }
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new IllegalStateException(
          "Temporal's test server changed (SelfAdvancingTimerImpl.lockEvents): check whether"
              + " TestServerLocks is still needed",
          e);
    }
  }

  private static Object field(Object o, String name) throws ReflectiveOperationException {
    Field f = o.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(o);
  }

  /** The timer's event list, without the unlock events (which nothing ever removes). */
  @SuppressWarnings({"serial", "JdkObsolete"}) // the field's type is LinkedList
  private static final class HeldOnly extends LinkedList<Object> {
    @Override
    public boolean add(Object event) {
      return unlock(event) || super.add(event);
    }

    /**
     * The event of a lock taken by handle, which its unlock removes: looked for from the newest, as
     * such a lock is short-lived (a lock taken by name stays in the list: its unlock adds an event
     * and removes none). Each event is its own object, so this removes the one the scan from the
     * oldest would.
     */
    @Override
    public boolean remove(Object event) {
      return removeLastOccurrence(event);
    }

    private Field lockType;

    private boolean unlock(Object event) {
      try {
        if (lockType == null) {
          lockType = event.getClass().getDeclaredField("lockType");
          lockType.setAccessible(true);
        }
        return "U".equals(String.valueOf(lockType.get(event)));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
