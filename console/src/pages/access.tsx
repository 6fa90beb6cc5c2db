import { Page } from '../components/page';

export function AccessPage() {
  return <Page title="Access">Coming up.</Page>;
}
