package io.keyward.kafka;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin's counters and gauges, exposed over JMX (see {@link KeywardMetricsMBean}). Counting is a
 * {@link LongAdder} increment: no lock, safe from Kafka's threads.
 */
public final class KeywardMetrics implements KeywardMetricsMBean {

  private static final Logger LOG = LoggerFactory.getLogger("io.keyward.kafka");

  private final ReplicaStore replica;
  private final LongSupplier clock;
  private volatile Supplier<String> state = () -> "LOADING";
  private volatile EventShipper shipper;
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder loginsSucceeded = new LongAdder();
  private final LongAdder loginsFailed = new LongAdder();
  private final LongAdder requestsDenied = new LongAdder();
  private ObjectName registered;

  KeywardMetrics(ReplicaStore replica, LongSupplier clock) {
    this.replica = replica;
    this.clock = clock;
  }

  /** The JMX name of a cluster's plugin MBean. */
  public static ObjectName objectName(String clusterId) {
    try {
      return new ObjectName("io.keyward.kafka:type=KeywardPlugin,cluster=" + clusterId);
    } catch (JMException e) {
      throw new IllegalArgumentException("cluster id not usable in a JMX name", e);
    }
  }

  void stateSource(Supplier<String> source) { this.state = source; }

  void shipper(EventShipper shipper) { this.shipper = shipper; }

  public void resync() { resyncs.increment(); }
  public void loginSucceeded() { loginsSucceeded.increment(); }
  public void loginFailed() { loginsFailed.increment(); }
  public void requestDenied() { requestsDenied.increment(); }

  @Override public String getState() { return state.get(); }
  @Override public long getRevision() { return replica.revision(); }
  @Override public long getReplicaAgeMs() {
    return replica.loaded() ? Math.max(0, clock.getAsLong() - replica.lastContactMs()) : -1;
  }
  @Override public long getKeys() { return replica.keyCount(); }
  @Override public long getGrants() { return replica.grantCount(); }
  @Override public long getResyncs() { return resyncs.sum(); }
  @Override public long getLoginsSucceeded() { return loginsSucceeded.sum(); }
  @Override public long getLoginsFailed() { return loginsFailed.sum(); }
  @Override public long getRequestsDenied() { return requestsDenied.sum(); }
  @Override public long getEventsPending() { EventShipper s = shipper; return s == null ? 0 : s.pending(); }
  @Override public long getEventsShipped() { EventShipper s = shipper; return s == null ? 0 : s.shipped(); }
  @Override public long getEventsDropped() { EventShipper s = shipper; return s == null ? 0 : s.dropped(); }

  /** Registers in the platform MBeanServer; a name already taken (another runtime of the cluster) is logged. */
  synchronized void register(String clusterId) {
    ObjectName name = objectName(clusterId);
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    try {
      server.registerMBean(this, name);
      registered = name;
    } catch (JMException e) {
      LOG.warn("keyward: JMX name {} not registered: {}", name, e.toString());
    }
  }

  synchronized void unregister() {
    if (registered == null) return;
    try {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
    } catch (JMException e) {
      LOG.debug("keyward: JMX name {} already gone", registered);
    }
    registered = null;
  }
}
