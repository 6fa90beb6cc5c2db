package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The sync thread against keyward's endpoints over real loopback HTTP (see {@link FakeKeyward}). */
class ReplicaSyncTest {

  private static Map<String, Object> settings(FakeKeyward keyward) {
    Map<String, Object> c = Fixtures.settings(keyward.port());
    c.put("keyward.reconnect.backoff.max.ms", "400");
    c.put("keyward.stream.read.timeout.ms", "2000");
    return c;
  }

  @Test
  void loadsThenStreamsChangesResyncsAndReportsOverJmx() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
      try {
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        assertEquals(42, rt.replica().revision());
        assertTrue(FakeKeyward.await(5_000, () -> rt.sync().state() == ReplicaSync.State.SYNCED));
        assertTrue(FakeKeyward.await(2_000, () -> !keyward.streamRequests.isEmpty()));
        assertEquals("since=42|null", keyward.streamRequests.get(0));

        // a change arrives within moments
        long sent = System.nanoTime();
        keyward.change(43, Fixtures.text("change-43.json"));
        assertTrue(FakeKeyward.await(2_000, () -> rt.replica().revision() == 43));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        assertTrue(tookMs < 2_000, "change applied after " + tookMs + " ms");
        assertNull(rt.replica().key("AAAAAAAAAAAAAAA2"));

        // JMX
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.keyward.kafka:type=KeywardPlugin,cluster=" + Fixtures.CLUSTER);
        assertEquals("SYNCED", mbs.getAttribute(name, "State"));
        assertEquals(43L, mbs.getAttribute(name, "Revision"));
        assertEquals((long) rt.replica().keyCount(), mbs.getAttribute(name, "Keys"));
        assertEquals(2L, mbs.getAttribute(name, "Grants"));
        assertTrue((Long) mbs.getAttribute(name, "ReplicaAgeMs") >= 0);
        for (String a : new String[] {"Resyncs", "LoginsSucceeded", "LoginsFailed", "RequestsDenied", "EventsPending", "EventsShipped", "EventsDropped"}) {
          assertNotNull(mbs.getAttribute(name, a), a);
        }

        // resync → a full reload, then the stream again from the new revision
        keyward.replica = new String(Fixtures.bytes("snapshot.json"), StandardCharsets.UTF_8)
            .replace("\"revision\": 42", "\"revision\": 50").getBytes(StandardCharsets.UTF_8);
        keyward.revision = 50;
        keyward.frames.add("event: resync\ndata: {\"revision\":50}\n\n");
        keyward.frames.add(FakeKeyward.END);
        assertTrue(FakeKeyward.await(5_000, () -> rt.replica().revision() == 50));
        assertEquals(2, keyward.replicaGets.get());
        assertEquals(1L, mbs.getAttribute(name, "Resyncs"));
        assertNotNull(rt.replica().key("AAAAAAAAAAAAAAA2"));
        assertTrue(FakeKeyward.await(3_000, () -> keyward.streamRequests.stream().anyMatch(r -> r.equals("since=50|null"))),
            keyward.streamRequests.toString());
      } finally {
        rt.release();
      }
      assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(
          new ObjectName("io.keyward.kafka:type=KeywardPlugin,cluster=" + Fixtures.CLUSTER)));
    }
  }

  @Test
  void keywardDownDisconnectsThenGoesStaleAndRecoversWithLastEventId() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      Map<String, Object> c = settings(keyward);
      c.put("keyward.replica.max.staleness.ms", "1500");
      KeywardRuntime rt = KeywardRuntime.acquire(c);
      try {
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        keyward.change(43, Fixtures.text("change-43.json"));
        assertTrue(FakeKeyward.await(3_000, () -> rt.replica().revision() == 43));

        keyward.down = true;
        assertTrue(FakeKeyward.await(3_000, () -> rt.sync().state() == ReplicaSync.State.DISCONNECTED));
        assertFalse(rt.replica().stale(rt.nowMs()));
        assertTrue(FakeKeyward.await(4_000, () -> rt.sync().state() == ReplicaSync.State.STALE));
        assertTrue(rt.replica().stale(rt.nowMs()));

        int before = keyward.streamRequests.size();
        keyward.down = false;
        assertTrue(FakeKeyward.await(4_000, () -> rt.sync().state() == ReplicaSync.State.SYNCED));
        assertFalse(rt.replica().stale(rt.nowMs()));
        assertEquals(1, keyward.replicaGets.get(), "no full reload needed on reconnect");
        assertTrue(FakeKeyward.await(2_000, () -> keyward.streamRequests.size() > before));
        assertEquals("since=43|43", keyward.streamRequests.get(keyward.streamRequests.size() - 1));
      } finally {
        rt.release();
      }
    }
  }

  @Test
  void anUnreadableChangeIsAnsweredByAFullReload() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
      try {
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        assertTrue(FakeKeyward.await(2_000, () -> keyward.streamRequests.size() == 1));
        keyward.change(43, "{\"revision\":43,\"keys\":\"not a list\"}");
        assertTrue(FakeKeyward.await(3_000, () -> keyward.replicaGets.get() == 2));
        assertEquals(1, rt.metrics().getResyncs());
        assertEquals(42, rt.replica().revision());
        assertTrue(FakeKeyward.await(3_000, () -> rt.sync().state() == ReplicaSync.State.SYNCED));
      } finally {
        rt.release();
      }
    }
  }

  @Test
  void aSilentStreamIsReconnected() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardRuntime rt = KeywardRuntime.acquire(settings(keyward));
      try {
        rt.replica().firstLoad().get(10, TimeUnit.SECONDS);
        assertTrue(FakeKeyward.await(2_000, () -> keyward.streamRequests.size() == 1));
        keyward.dropStreams();
        assertTrue(FakeKeyward.await(3_000, () -> keyward.streamRequests.size() >= 2));
        assertTrue(FakeKeyward.await(3_000, () -> rt.sync().state() == ReplicaSync.State.SYNCED));
      } finally {
        rt.release();
      }
    }
  }

  @Test
  void refusedCredentialsKeepTheReplicaUnloaded() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      Map<String, Object> c = settings(keyward);
      c.put("keyward.api.secret", "kw_not_the_broker_secret");
      KeywardRuntime rt = KeywardRuntime.acquire(c);
      try {
        Thread.sleep(1_000);
        assertFalse(rt.replica().firstLoad().isDone());
        assertEquals(ReplicaSync.State.LOADING, rt.sync().state());
        assertTrue(rt.replica().stale(rt.nowMs()));
      } finally {
        rt.release();
      }
    }
  }

  @Test
  void oneRuntimePerKeywardAndClusterReferenceCounted() throws Exception {
    try (FakeKeyward keyward = new FakeKeyward()) {
      KeywardRuntime a = KeywardRuntime.acquire(settings(keyward));
      KeywardRuntime b = KeywardRuntime.acquire(settings(keyward));
      assertTrue(a == b);
      assertEquals(2, a.references());
      a.release();
      assertEquals(1, a.references());
      b.release();
      assertEquals(0, a.references());
      KeywardRuntime c = KeywardRuntime.acquire(settings(keyward));
      try {
        assertFalse(c == a);
      } finally {
        c.release();
      }
    }
  }
}
