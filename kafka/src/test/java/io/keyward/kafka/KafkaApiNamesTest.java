package io.keyward.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

class KafkaApiNamesTest {

  @Test
  void namesAsKafkaSpellsThem() {
    assertEquals("Produce", KafkaApiNames.of(ApiKeys.PRODUCE.id));
    assertEquals("Fetch", KafkaApiNames.of(ApiKeys.FETCH.id));
    assertEquals("Metadata", KafkaApiNames.of(ApiKeys.METADATA.id));
    assertEquals("CreateTopics", KafkaApiNames.of(ApiKeys.CREATE_TOPICS.id));
    assertEquals("DescribeAcls", KafkaApiNames.of(ApiKeys.DESCRIBE_ACLS.id));
    assertEquals("InitProducerId", KafkaApiNames.of(ApiKeys.INIT_PRODUCER_ID.id));
    for (ApiKeys key : ApiKeys.values()) {
      assertEquals(key.name, KafkaApiNames.of(key.id));
    }
    assertNull(KafkaApiNames.of(-1));
    assertNull(KafkaApiNames.of(32_000));
  }
}
