/** Authorization, pure: Kafka ACLs, the role table, CRN patterns, and the one authorizer (DESIGN §5). */
export * from './acl.js';
export * from './roles.js';
export * from './crn-pattern.js';
export * from './authorizer.js';
