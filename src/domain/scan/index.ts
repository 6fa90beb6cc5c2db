/** The leak scanner behind `keyward scan [PATH...]`: keyward secrets by prefix, shape and checksum. */
export { findSecretsInText } from './find-secrets-in-text.js';
export type { SecretInText } from './find-secrets-in-text.js';
export { DEFAULT_MAX_FILE_BYTES, scanPaths } from './scan-paths.js';
export { ScanPathError } from './scan-path-error.js';
export type { LeakedSecret, ScanOptions, ScanProgress, ScanReport } from './scan-paths.js';
export { SKIP_REASONS } from './skip-reasons.js';
export type { SkipCounts, SkipReason, SkippedPath } from './skip-reasons.js';
export { ALWAYS_SKIPPED_DIRECTORIES } from './walk-files.js';
export { BINARY_SNIFF_BYTES } from './looks-binary.js';
