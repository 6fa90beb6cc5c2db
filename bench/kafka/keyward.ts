/**
 * keyward for the Kafka benchmark: the real server process (bench/processes.ts), the `keyward` CLI
 * against it for the set-up, and its management API (fetch, HTTP Basic) for the calls whose 2xx
 * the benchmark times.
 */
import { execFile } from 'node:child_process';
import { parseProperties } from '../../test/helpers/kafka-broker.js';
import { CLI, cleanup, type KeywardServer } from '../processes.js';

export interface Credentials {
  key: string;
  secret: string;
}

export interface ApiAnswer<T> {
  status: number;
  body: T;
  /** performance.now() when the response (status and body) had arrived */
  at: number;
}

export interface ReplicaGrant {
  principal: string;
  permission: 'ALLOW' | 'DENY';
  operations: string[];
  resource_type: 'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID';
  pattern_type: 'LITERAL' | 'PREFIXED';
  name: string;
  host: string;
}

export interface BrokerSetup {
  cluster: string;
  /** what `keyward kafka cluster broker-config` printed, keyward.url pointing at this server */
  properties: Record<string, string>;
  brokerKey: Credentials;
}

const basic = (c: Credentials) => `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`;

export class Keyward {
  private readonly cliHome: string;

  constructor(
    readonly server: KeywardServer,
    readonly admin: Credentials,
  ) {
    this.cliHome = cleanup.tempDir('cli-home');
  }

  get url(): string {
    return this.server.url;
  }

  /** Runs `keyward ARGS` against this server as the admin; its stdout. */
  cli(...args: string[]): Promise<string> {
    const env = { PATH: process.env.PATH, KEYWARD_HOME: this.cliHome, KEYWARD_URL: this.url, KEYWARD_API_KEY: this.admin.key, KEYWARD_API_SECRET: this.admin.secret };
    return new Promise((resolveRun, reject) => {
      execFile(process.execPath, [CLI, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new Error(`keyward ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolveRun(stdout);
      });
    });
  }

  async json<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.cli(...args, '-o', 'json')) as T;
  }

  /** One management API call as `as` (default: the admin); throws unless 2xx. */
  async api<T = unknown>(method: string, path: string, body?: unknown, as: Credentials = this.admin): Promise<ApiAnswer<T>> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: basic(as), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    const at = performance.now();
    if (response.status < 200 || response.status > 299) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T, at };
  }

  async environment(): Promise<string> {
    const list = await this.json<Array<{ id: string }>>('environment', 'list');
    const first = list[0];
    if (!first) throw new Error('keyward has no environment');
    return first.id;
  }

  async createCluster(name: string): Promise<string> {
    return (await this.json<{ id: string }>('kafka', 'cluster', 'create', name, '--cloud', 'aws', '--region', 'local')).id;
  }

  /** `keyward kafka cluster broker-config CLUSTER`: the broker's service account, KafkaBroker binding, key and properties. */
  async brokerConfig(cluster: string): Promise<BrokerSetup> {
    const properties: Record<string, string> = { ...parseProperties(await this.cli('kafka', 'cluster', 'broker-config', cluster, '-o', 'properties')), 'keyward.url': this.url };
    const key = properties['keyward.api.key'];
    const secret = properties['keyward.api.secret'];
    if (!key || !secret) throw new Error(`broker-config of ${cluster} printed no keyward.api.key / keyward.api.secret`);
    return { cluster, properties, brokerKey: { key, secret } };
  }

  async serviceAccount(name: string): Promise<string> {
    return (await this.json<{ id: string }>('iam', 'service-account', 'create', name, '--description', `${name} (keyward Kafka benchmark)`)).id;
  }

  /** `keyward iam rbac role-binding create` on a topic of the cluster; its CRN pattern. */
  async bindTopic(principal: string, role: string, environment: string, cluster: string, topic: string): Promise<string> {
    const created = await this.json<{ crn_pattern: string }>('iam', 'rbac', 'role-binding', 'create', '--principal', principal, '--role', role, '--environment', environment, '--kafka-cluster', cluster, '--resource', `Topic:${topic}`);
    return created.crn_pattern;
  }

  /** POST /iam/v2/api-keys for a service account on the cluster. */
  async createKey(serviceAccount: string, cluster: string): Promise<ApiAnswer<Credentials>> {
    const answer = await this.api<{ id: string; spec: { secret?: string } }>('POST', '/iam/v2/api-keys', { spec: { owner: { id: serviceAccount }, resource: { id: cluster }, description: 'keyward Kafka benchmark' } });
    const secret = answer.body.spec.secret;
    if (!secret) throw new Error('POST /iam/v2/api-keys answered without the secret');
    return { ...answer, body: { key: answer.body.id, secret } };
  }

  /** The broker's view of the cluster (GET …/replica with the broker's key). */
  async replica(setup: BrokerSetup): Promise<{ revision: number; keys: unknown[]; grants: ReplicaGrant[]; bytes: number; ms: number }> {
    const started = performance.now();
    const response = await fetch(`${this.url}/keyward/v1/kafka/clusters/${encodeURIComponent(setup.cluster)}/replica`, { headers: { authorization: basic(setup.brokerKey) }, signal: AbortSignal.timeout(60_000) });
    const text = await response.text();
    const ms = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET replica of ${setup.cluster}: ${response.status}`);
    const replica = JSON.parse(text) as { revision: number; keys: unknown[]; grants: ReplicaGrant[] };
    return { ...replica, bytes: Buffer.byteLength(text), ms };
  }
}
