import { Page } from '../components/page';

export function PrincipalPage() {
  return <Page title="Service account">Coming up.</Page>;
}
