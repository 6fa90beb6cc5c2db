package io.keyward.kafka;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the plugin's Kafka-instantiated objects share: one per ({@code keyward.url}, {@code keyward.cluster.id}) in
 * the JVM, reference-counted. The SASL callback handler, the principal builders and the authorizer each
 * {@link #acquire} it when configured and {@link #release} it when closed (the broker and the controller may each
 * create their own); the first acquire starts the sync thread, the event shipper and the JMX MBean
 * {@code io.keyward.kafka:type=KeywardPlugin,cluster=<id>}, the last release stops them.
 */
public final class KeywardRuntime {

  private static final Logger LOG = LoggerFactory.getLogger("io.keyward.kafka");
  private static final Map<String, KeywardRuntime> RUNTIMES = new HashMap<>();

  private final String registryKey;
  private final KeywardConfig config;
  private final KeywardHttp http;
  private final ReplicaStore replica;
  private final KeywardMetrics metrics;
  private final ReplicaSync sync;
  private final EventShipper shipper;
  private int references;

  private KeywardRuntime(KeywardConfig config) {
    this.registryKey = config.runtimeKey();
    this.config = config;
    this.http = new KeywardHttp(config);
    this.replica = new ReplicaStore(config.maxStalenessMs());
    this.metrics = new KeywardMetrics(replica, this::nowMs);
    this.sync = new ReplicaSync(config, http, replica, metrics, this::nowMs);
    this.shipper = new EventShipper(config, http, config.brokerId());
    metrics.shipper(shipper);
    metrics.stateSource(() -> sync.state().name());
  }

  /** The runtime for these broker settings, started on first use; pair every call with one {@link #release}. */
  public static KeywardRuntime acquire(Map<String, ?> configs) {
    KeywardConfig config = KeywardConfig.from(configs);
    synchronized (RUNTIMES) {
      KeywardRuntime runtime = RUNTIMES.get(config.runtimeKey());
      if (runtime == null) {
        runtime = new KeywardRuntime(config);
        runtime.metrics.register(config.clusterId());
        runtime.sync.start();
        RUNTIMES.put(config.runtimeKey(), runtime);
        LOG.info("keyward: plugin started for cluster {} (keyward {}, broker key {}, broker {})",
            config.clusterId(), config.url(), config.apiKey(), config.brokerId());
      }
      runtime.references++;
      return runtime;
    }
  }

  /** Gives back one reference; the last one stops the sync thread and the shipper and unregisters the MBean. */
  public void release() {
    synchronized (RUNTIMES) {
      if (references <= 0) return;
      if (--references > 0) return;
      RUNTIMES.remove(registryKey, this);
    }
    LOG.info("keyward: plugin stopping for cluster {}", config.clusterId());
    sync.close();
    shipper.close();
    metrics.unregister();
  }

  public KeywardConfig config() { return config; }
  public KeywardHttp http() { return http; }
  public ReplicaStore replica() { return replica; }
  public ReplicaSync sync() { return sync; }
  public EventShipper shipper() { return shipper; }
  public KeywardMetrics metrics() { return metrics; }

  /** Wall-clock milliseconds, the time base of expiry and staleness. */
  public long nowMs() { return System.currentTimeMillis(); }

  /** References held (tests). */
  int references() {
    synchronized (RUNTIMES) {
      return references;
    }
  }
}
