package io.keyward.kafka;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The API name of a request type, as Kafka's {@link ApiKeys} spell it ({@code Produce}, {@code Fetch},
 * {@code Metadata}, …): the {@code <api>} of the audit log's {@code kafka.<api>} method names. A table built once;
 * a lookup allocates nothing.
 */
public final class KafkaApiNames {

  private static final String[] NAMES = build();

  private KafkaApiNames() {}

  private static String[] build() {
    int max = 0;
    for (ApiKeys key : ApiKeys.values()) {
      max = Math.max(max, key.id);
    }
    String[] names = new String[max + 1];
    for (ApiKeys key : ApiKeys.values()) {
      names[key.id] = key.name;
    }
    return names;
  }

  /** The name of the API with this key ({@link org.apache.kafka.server.authorizer.AuthorizableRequestContext#requestType()}), or null if unknown. */
  public static String of(int apiKey) {
    return apiKey >= 0 && apiKey < NAMES.length ? NAMES[apiKey] : null;
  }
}
