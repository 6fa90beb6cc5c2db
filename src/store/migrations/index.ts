import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_key_disable_authority.js';
import * as m0003 from './0003_audit_chain_registry.js';
import * as m0004 from './0004_kafka_replica_log.js';
import * as m0005 from './0005_api_key_usage.js';
import * as m0006 from './0006_audit_event_target.js';
import * as m0008 from './0008_kafka_broker_sync.js';
import * as m0009 from './0009_console_sessions.js';

/** Migrations are listed in code (not read from disk) so that they work from any install location. */
export const migrationProvider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return {
      '0001_initial': m0001, '0002_key_disable_authority': m0002, '0003_audit_chain_registry': m0003, '0004_kafka_replica_log': m0004,
      '0005_api_key_usage': m0005, '0006_audit_event_target': m0006,
      '0008_kafka_broker_sync': m0008, '0009_console_sessions': m0009,
    };
  },
};
