/** Every request and response schema of the HTTP API, with the type each one derives (`Static<typeof X>`). */
export * from './common.js';
export * from './environments.js';
export * from './clusters.js';
export * from './principals.js';
export * from './api-keys.js';
export * from './usage.js';
export * from './access.js';
export * from './audit.js';
export * from './advisor.js';
export * from './data-plane.js';
export * from './system.js';
export * from './sessions.js';
