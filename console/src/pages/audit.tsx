import { Page } from '../components/page';

export function AuditPage() {
  return <Page title="Audit log">Coming up.</Page>;
}
