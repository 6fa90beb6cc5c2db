/** The contract the server, the CLI and the console share: enumerated values, identifier shapes, the duration rule, the time rule and how times are shown. */
export * from './enums.js';
export * from './durations.js';
export * from './times.js';
export * from './relative-time.js';
export * from './ids.js';
export * from '../domain/principal.js';
export * from './audit-target.js';
export * from './usage-summary.js';
export * from './access-check.js';
export * from './kafka-brokers.js';
export * from './schemas/index.js';
export * from './verification-codes.js';
