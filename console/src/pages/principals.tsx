import { Page } from '../components/page';

export function PrincipalsPage() {
  return <Page title="Service accounts & users">Coming up.</Page>;
}
