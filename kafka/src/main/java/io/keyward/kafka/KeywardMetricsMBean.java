package io.keyward.kafka;

/**
 * JMX view of one keyward plugin runtime, registered as {@code io.keyward.kafka:type=KeywardPlugin,cluster=<id>}.
 */
public interface KeywardMetricsMBean {
  /** LOADING (no replica yet), SYNCED (streaming), DISCONNECTED (serving the last replica), STALE (logins refused). */
  String getState();
  long getRevision();
  /** Milliseconds since keyward was last heard from; -1 before the first load. */
  long getReplicaAgeMs();
  long getKeys();
  long getGrants();
  long getResyncs();
  long getLoginsSucceeded();
  long getLoginsFailed();
  long getRequestsDenied();
  long getEventsPending();
  long getEventsShipped();
  long getEventsDropped();
}
