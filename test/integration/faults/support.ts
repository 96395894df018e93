/** What the fault-injection tests share: clients of their own, mentions, and read-backs. */
import { readFile } from 'node:fs/promises';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Repositories } from '../../../lib/domain/ports.ts';
import { BUCKET_WIDTHS, type BucketCounts, type Mention } from '../../../lib/domain/types.ts';
import {
  createDocumentClient,
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
} from '../../../lib/storage/clients.ts';
import { encodeMentionId, mentionSk } from '../../../lib/storage/keys.ts';
import { createRepositories } from '../../../lib/storage/repositories.ts';
import { type Faults, injectFaults } from '../../helpers/faults.ts';
import { allMentions } from '../../helpers/mentions.ts';
import type { TestTable } from '../../helpers/table.ts';

/**
 * Repositories over a DocumentClient of their own with faults on it, for the code under test;
 * the table's own client stays clean for seeding and checking.
 */
function faultyRepos(
  table: TestTable,
  seed = 1,
): {
  repos: Repositories;
  doc: DynamoDBDocumentClient;
  faults: Faults;
} {
  const doc = createDocumentClient({
    endpoint: table.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const faults = injectFaults(doc, { seed });
  return {
    repos: createRepositories({ doc, tableName: table.tableName, cursorSecret: 'faults-test' }),
    doc,
    faults,
  };
}

function cleanRepos(table: TestTable): Repositories {
  return createRepositories({
    doc: table.doc,
    tableName: table.tableName,
    cursorSecret: 'faults-test',
  });
}

const T0 = Date.parse('2026-04-06T02:00:00.000Z');

/** `n` mentions of an issue, 40 s apart (several 5-minute buckets); negative every third. */
function mentions(issueId: string, n: number, prefix = 'p'): Mention[] {
  return Array.from({ length: n }, (_, i) => {
    const createdAt = new Date(T0 + i * 40_000).toISOString();
    const sourceId = `${prefix}-${i}`;
    return {
      tenantId: 'kominfo',
      issueId,
      id: encodeMentionId(issueId, mentionSk(createdAt, 'demo', sourceId)),
      source: 'demo' as const,
      sourceId,
      url: `https://example.test/${sourceId}`,
      author: { handle: `warga${i % 7}` },
      text:
        i % 3 === 0
          ? `Harga beras naik terus, rakyat makin susah dan kecewa ${sourceId}`
          : `Info harga beras di pasar hari ini ${sourceId}`,
      createdAt,
      lang: 'id',
      engagement: { likes: i % 5 },
      collectedAt: createdAt,
    };
  });
}

/** Summed counts of an issue per bucket width. */
async function bucketTotals(
  repos: Repositories,
  issueId: string,
): Promise<Record<string, Omit<BucketCounts, 'engagement'>>> {
  const out: Record<string, Omit<BucketCounts, 'engagement'>> = {};
  for (const width of BUCKET_WIDTHS) {
    const buckets = await repos.buckets.query(
      issueId,
      width,
      '2000-01-01T00:00:00.000Z',
      '2100-01-01T00:00:00.000Z',
    );
    const sum = (k: keyof BucketCounts) => buckets.reduce((s, b) => s + b[k], 0);
    out[width] = {
      total: sum('total'),
      positive: sum('positive'),
      negative: sum('negative'),
      neutral: sum('neutral'),
      mixed: sum('mixed'),
    };
  }
  return out;
}

/** Counts that scored mentions should add up to, per label. */
function expectedCounts(scored: Mention[]): Omit<BucketCounts, 'engagement'> {
  const by = (label: string) => scored.filter((m) => m.sentiment?.label === label).length;
  return {
    total: scored.length,
    positive: by('POSITIVE'),
    negative: by('NEGATIVE'),
    neutral: by('NEUTRAL'),
    mixed: by('MIXED'),
  };
}

interface ParkedRecord {
  mapping: string;
  reason: string;
  record: DynamoDBRecord;
}

async function readDeadLetters(file: string): Promise<ParkedRecord[]> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text ? text.split('\n').map((l) => JSON.parse(l) as ParkedRecord) : [];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export type { ParkedRecord };
export {
  allMentions,
  bucketTotals,
  cleanRepos,
  expectedCounts,
  faultyRepos,
  mentions,
  readDeadLetters,
  T0,
};
