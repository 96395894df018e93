/**
 * The storage adapter: every repository of lib/domain/ports.ts over the one table, built once per
 * process from an injected DocumentClient.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.ts';
import type { Repositories } from '../domain/ports.ts';
import { createAlertRepository } from './alert-repository.ts';
import { createAuditRepository } from './audit-repository.ts';
import { createBucketRepository } from './bucket-repository.ts';
import type { TableRef } from './clients.ts';
import { createCursorRepository } from './cursor-repository.ts';
import { createDetectorStateRepository } from './detector-state-repository.ts';
import { createIssueRepository } from './issue-repository.ts';
import { createMentionRepository } from './mention-repository.ts';
import { createPageCursorCodec } from './page-cursor.ts';
import { createSourceStatusRepository } from './source-status-repository.ts';
import { createSubscriberRepository } from './subscriber-repository.ts';
import { createTenantRepository } from './tenant-repository.ts';

export interface StorageOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Days a mention is kept (its `ttl`); default 90. */
  mentionRetentionDays?: number;
  /**
   * HMAC key for opaque page cursors. Without one, a random per-process key is used, so cursors
   * are only valid within the process that issued them: set it wherever more than one runs.
   */
  cursorSecret?: string;
}

const DEFAULT_RETENTION_DAYS = 90;

function createRepositories(opts: StorageOptions): Repositories {
  if (!opts.tableName) throw new ValidationError('Storage needs a table name');
  const retentionDays = opts.mentionRetentionDays ?? DEFAULT_RETENTION_DAYS;
  if (!Number.isFinite(retentionDays) || retentionDays <= 0) {
    throw new ValidationError('mentionRetentionDays must be a positive number', { retentionDays });
  }
  const table: TableRef = { doc: opts.doc, tableName: opts.tableName };
  return {
    tenants: createTenantRepository(table),
    issues: createIssueRepository(table),
    mentions: createMentionRepository({
      table,
      retentionDays,
      cursors: createPageCursorCodec(opts.cursorSecret),
    }),
    buckets: createBucketRepository(table),
    detector: createDetectorStateRepository(table),
    alerts: createAlertRepository(table),
    subscribers: createSubscriberRepository(table),
    cursors: createCursorRepository(table),
    sourceStatus: createSourceStatusRepository(table),
    audit: createAuditRepository(table),
  };
}

export { createRepositories, DEFAULT_RETENTION_DAYS };
