/** main/store public API: the SQLite implementation of the kiosk's storage port. */
export { openKioskStore, defaultPaths, SqliteKioskStore, DEFAULT_RETENTION, type OpenStoreOptions, type RetentionPolicy, type RetentionReport } from './sqlite-store.js';
export { verifyAudit, entryHash, recordDigest, GENESIS, RECORD_DIGESTS, type AuditVerifyResult, type AuditRow } from './audit.js';
export { AesGcmSealer, FileKeyProvider, gcmEncrypt, gcmDecrypt } from './seal.js';
export { Db, StorageError, toStorageError } from './db.js';
export { canonicalJson } from './canonical.js';
export { MIGRATIONS, migrate, type Migration } from './migrations.js';
export { auditTrail, type AuditTrailEntry } from './audit-query.js';
