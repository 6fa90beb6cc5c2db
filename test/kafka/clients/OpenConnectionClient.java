import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Java client on ONE set of long-lived connections, driven line by line from stdin (JSON commands,
 * JSON answers on stdout), so a test can show that the next request of an already open connection is
 * refused or allowed. Every answer carries how many connections the client has opened so far.
 *
 *   java -cp 'broker-libs/*' OpenConnectionClient.java BOOTSTRAP USERNAME   (password: env KAFKA_PASSWORD)
 *   java -cp 'broker-libs/*' OpenConnectionClient.java BOOTSTRAP @client.properties
 *   {"op":"produce","topic":"orders","value":"v"}
 *   {"op":"fetch","topic":"orders","min":1,"timeout_ms":5000}
 *   {"op":"describe_acls"}    (kafka-acls --list: DescribeAcls, any)
 *   {"op":"create_acl","principal":"User:sa-x","topic":"orders","operation":"READ"}
 */
public final class OpenConnectionClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    Properties common = new Properties();
    common.put("bootstrap.servers", bootstrap);
    if (args[1].startsWith("@")) {
      // a client properties file, e.g. the README's OAUTHBEARER settings
      try (var reader = java.nio.file.Files.newBufferedReader(java.nio.file.Path.of(args[1].substring(1)))) {
        common.load(reader);
      }
    } else {
      common.put("security.protocol", "SASL_PLAINTEXT");
      common.put("sasl.mechanism", "PLAIN");
      common.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
          + args[1] + "\" password=\"" + System.getenv("KAFKA_PASSWORD") + "\";");
    }
    common.put("client.id", "open-connection-client");
    common.put("request.timeout.ms", "8000");
    common.put("reconnect.backoff.ms", "200");

    Properties producerProps = new Properties();
    producerProps.putAll(common);
    producerProps.put("acks", "1");
    producerProps.put("enable.idempotence", "false");
    producerProps.put("linger.ms", "0");
    producerProps.put("max.block.ms", "8000");
    producerProps.put("delivery.timeout.ms", "9000");
    producerProps.put("retries", "0");

    Properties consumerProps = new Properties();
    consumerProps.putAll(common);
    consumerProps.put("enable.auto.commit", "false");
    consumerProps.put("auto.offset.reset", "earliest");

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());
         KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
         Admin admin = Admin.create(common)) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      emit(JSON.createObjectNode().put("ok", true).put("ready", true), producer, consumer);
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) continue;
        JsonNode command = JSON.readTree(line);
        String op = command.path("op").asText();
        if (op.equals("close")) break;
        ObjectNode answer = JSON.createObjectNode();
        try {
          if (op.equals("produce")) {
            producer.send(new ProducerRecord<>(command.path("topic").asText(), command.path("value").asText())).get(10, TimeUnit.SECONDS);
            answer.put("ok", true);
          } else if (op.equals("fetch")) {
            TopicPartition partition = new TopicPartition(command.path("topic").asText(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int min = command.path("min").asInt(1);
            long deadline = System.currentTimeMillis() + command.path("timeout_ms").asLong(5000);
            var values = answer.putArray("values");
            while (values.size() < min && System.currentTimeMillis() < deadline) {
              for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) values.add(record.value());
            }
            answer.put("ok", values.size() >= min);
          } else if (op.equals("describe_acls")) {
            var acls = answer.putArray("acls");
            for (AclBinding binding : admin.describeAcls(AclBindingFilter.ANY).values().get(10, TimeUnit.SECONDS)) {
              acls.addObject()
                  .put("principal", binding.entry().principal())
                  .put("host", binding.entry().host())
                  .put("operation", binding.entry().operation().name())
                  .put("permission", binding.entry().permissionType().name())
                  .put("resource_type", binding.pattern().resourceType().name())
                  .put("resource_name", binding.pattern().name())
                  .put("pattern_type", binding.pattern().patternType().name());
            }
            answer.put("ok", true);
          } else if (op.equals("create_acl")) {
            AclBinding binding = new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, command.path("topic").asText(), PatternType.LITERAL),
                new AccessControlEntry(command.path("principal").asText(), "*", AclOperation.fromString(command.path("operation").asText()), AclPermissionType.ALLOW));
            admin.createAcls(List.of(binding)).all().get(10, TimeUnit.SECONDS);
            answer.put("ok", true);
          } else {
            answer.put("ok", false).put("error", "UnknownCommand");
          }
        } catch (ExecutionException e) {
          failure(answer, e.getCause());
        } catch (Exception e) {
          failure(answer, e);
        }
        emit(answer, producer, consumer);
      }
    }
  }

  private static void failure(ObjectNode answer, Throwable error) {
    answer.put("ok", false).put("error", error.getClass().getSimpleName()).put("message", String.valueOf(error.getMessage()));
  }

  private static void emit(ObjectNode answer, KafkaProducer<?, ?> producer, KafkaConsumer<?, ?> consumer) throws Exception {
    answer.put("connections", connections(producer.metrics(), "producer-metrics") + connections(consumer.metrics(), "consumer-metrics"));
    System.out.println(JSON.writeValueAsString(answer));
    System.out.flush();
  }

  private static long connections(Map<MetricName, ? extends Metric> metrics, String group) {
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
      MetricName name = entry.getKey();
      if (name.group().equals(group) && name.name().equals("connection-creation-total")) total += ((Number) entry.getValue().metricValue()).doubleValue();
    }
    return Math.round(total);
  }
}
