package io.keyward.kafka;

import java.net.InetAddress;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;

/** A request's context as the broker hands it to the authorizer (test data). */
record RequestContext(String listenerName, SecurityProtocol securityProtocol, KafkaPrincipal principal,
    InetAddress clientAddress, int requestType, String clientId) implements AuthorizableRequestContext {

  static RequestContext sasl(KafkaPrincipal principal, ApiKeys api) {
    return new RequestContext("SASL_PLAINTEXT", SecurityProtocol.SASL_PLAINTEXT, principal,
        InetAddress.getLoopbackAddress(), api.id, "client-1");
  }

  @Override
  public int requestVersion() {
    return 0;
  }

  @Override
  public int correlationId() {
    return 1;
  }
}
