/** The contract the server, the CLI and the console share: enumerated values, identifier shapes, the duration rule and the time rule. */
export * from './enums.js';
export * from './durations.js';
export * from './times.js';
export * from './ids.js';
export * from './audit-target.js';
