import { api } from '../api';
import { ErrorNotice, Loading } from '../components/notice';
import { outcomeChart } from '../components/outcome-series';
import { Page, Panel } from '../components/page';
import { ExactTime } from '../components/time';
import { TimeChart } from '../components/time-chart';
import { useResource } from '../hooks/use-resource';
import type { AttentionPolicy } from '../keys/attention';
import { loadDirectory } from '../keys/directory';
import type { ApiKey, UsageSummary } from '../keys/types';
import { AttentionTable } from './overview-attention';
import { FindingGroups, SeverityCounts, type FindingList } from './overview-findings';

/** A minute: the overview refreshes itself at this pace. */
const REFRESH_MS = 60_000;

/**
 * The overview (/console/): the advisor's findings by severity with their fixes, the keys that need
 * attention, and the organization's authentications by outcome over 24 hours. Each part loads on its
 * own, so a part the caller may not read (403) leaves the others on screen.
 */
export function OverviewPage() {
  const findings = useResource((signal) => api.get<FindingList>('/keyward/v1/advisor/findings', undefined, signal), [], REFRESH_MS);
  const usage = useResource((signal) => api.get<UsageSummary>('/keyward/v1/usage', { since: '24h', bucket: '1h' }, signal), [], REFRESH_MS);
  const keys = useResource(
    async (signal) => {
      const [policy, list, directory] = await Promise.all([
        api.get<AttentionPolicy>('/keyward/v1/policy', undefined, signal),
        api.listAll<ApiKey>('/iam/v2/api-keys', {}, signal),
        loadDirectory(signal),
      ]);
      return { policy, list, directory };
    },
    [],
    REFRESH_MS,
  );
  const chart = usage.data === undefined ? undefined : outcomeChart(usage.data.totals, usage.data.data);

  return (
    <Page title="Overview" description="What needs a look: the advisor's findings, keys that need attention, and how authentication goes.">
      <Panel title="Advisor findings" id="advisor-findings">
        <ErrorNotice error={findings.error} title="The advisor's findings cannot be read" />
        {findings.data === undefined ? (
          findings.loading && <Loading label="Loading findings…" />
        ) : (
          <>
            <SeverityCounts findings={findings.data.data} />
            <p class="muted">
              Evaluated <ExactTime time={findings.data.metadata.evaluated_at} />.
            </p>
            <FindingGroups findings={findings.data.data} />
          </>
        )}
      </Panel>
      <Panel title="Keys that need attention" id="keys-attention">
        <ErrorNotice error={keys.error} title="The keys cannot be read" />
        {keys.data === undefined ? (
          keys.loading && <Loading label="Loading keys…" />
        ) : (
          <AttentionTable keys={keys.data.list} policy={keys.data.policy} usage={usage.data} directory={keys.data.directory} />
        )}
      </Panel>
      <Panel title="Authentications, last 24 hours" id="authentications">
        <ErrorNotice error={usage.error} title="Usage cannot be read" />
        {chart === undefined ? (
          usage.loading && <Loading label="Loading usage…" />
        ) : (
          <TimeChart title="Authentications by outcome, last 24 hours (per hour)" times={chart.times} series={chart.series} />
        )}
      </Panel>
    </Page>
  );
}
