/**
 * Seeds 10,000 Kafka ACLs and 10,000 role bindings into a copy of the benchmark store, directly
 * through better-sqlite3 before the server starts on it. Most belong to other principals, on other
 * topics (the haystack the authorizer's index must see past); the benchmark's own service accounts
 * get DeveloperRead on the topic `orders`, the one thing the measured requests ask for, and a few
 * ACLs of their own on other topics.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { newId } from '../src/domain/ids.js';

export interface GrantSeed {
  acls: number;
  roleBindings: number;
}

export function seedGrants(dataDir: string, cluster: string, count: { acls: number; roleBindings: number }): GrantSeed {
  const db = new SQLite(join(dataDir, 'keyward.db'));
  try {
    const org = (db.prepare('SELECT id FROM organizations').get() as { id: string }).id;
    const env = (db.prepare('SELECT environment_id FROM clusters WHERE id = ?').get(cluster) as { environment_id: string }).environment_id;
    const owners = (db.prepare("SELECT DISTINCT owner_id FROM api_keys WHERE resource_id = ? AND owner_kind = 'service-account'").all(cluster) as Array<{ owner_id: string }>).map((r) => r.owner_id);
    const now = new Date().toISOString();
    const topicCrn = (name: string) => `crn://keyward/organization=${org}/environment=${env}/cloud-cluster=${cluster}/kafka=${cluster}/topic=${name}`;
    const insertAcl = db.prepare(
      'INSERT INTO acls (id, cluster_id, principal, permission, operation, resource_type, resource_name, pattern_type, host, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const insertBinding = db.prepare('INSERT INTO role_bindings (id, principal, role_name, crn_pattern, created_at) VALUES (?, ?, ?, ?, ?)');
    const operations = ['READ', 'WRITE', 'DESCRIBE', 'CREATE', 'ALTER_CONFIGS'];
    let acls = 0;
    let roleBindings = 0;
    db.transaction(() => {
      for (const owner of owners) {
        insertBinding.run(newId('roleBinding'), `User:${owner}`, 'DeveloperRead', topicCrn('orders'), now);
        roleBindings++;
        insertAcl.run(randomUUID(), cluster, `User:${owner}`, 'ALLOW', 'WRITE', 'TOPIC', 'audit-', 'PREFIXED', '*', now);
        acls++;
      }
      for (let i = 0; acls < count.acls; i++, acls++) {
        const prefixed = i % 7 === 0;
        insertAcl.run(randomUUID(), cluster, `User:sa-n${String(i % 2000).padStart(5, '0')}`, i % 11 === 0 ? 'DENY' : 'ALLOW', operations[i % operations.length], i % 3 === 0 ? 'GROUP' : 'TOPIC', prefixed ? `team-${i % 50}-` : `topic-${i}`, prefixed ? 'PREFIXED' : 'LITERAL', '*', now);
      }
      for (let i = 0; roleBindings < count.roleBindings; i++, roleBindings++) {
        insertBinding.run(`rb-${String(i).padStart(6, '0')}`.slice(0, 9), `User:sa-m${String(i % 3000).padStart(5, '0')}`, i % 2 === 0 ? 'DeveloperRead' : 'DeveloperWrite', topicCrn(`topic-${i}${i % 5 === 0 ? '*' : ''}`), now);
      }
    })();
    return { acls, roleBindings };
  } finally {
    db.close();
  }
}
