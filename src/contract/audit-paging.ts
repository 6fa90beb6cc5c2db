/** The most events one page of `GET /keyward/v1/audit-events` holds. */
export const MAX_AUDIT_LIMIT = 1000;
