import { Page } from '../components/page';

export function ApiKeysPage() {
  return <Page title="API keys">Coming up.</Page>;
}
