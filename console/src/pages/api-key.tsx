import { Page } from '../components/page';

export function ApiKeyPage() {
  return <Page title="API key">Coming up.</Page>;
}
