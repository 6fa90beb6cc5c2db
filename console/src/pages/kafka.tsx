import { Page } from '../components/page';

export function KafkaPage() {
  return <Page title="Kafka clusters">Coming up.</Page>;
}
