/**
 * The demo tenant a newcomer gets on `npm start`: one agency, a bearer token with every scope, and
 * the demo issues the offline demo source posts about. Idempotent: a restart keeps what exists.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Repositories } from '../domain/ports.ts';
import type { Issue, Subscriber } from '../domain/types.ts';
import { DEMO_ISSUES } from '../sources/demo.ts';

const DEMO_TENANT_ID = 'demo';
const DEMO_SCOPES = ['pantau/read', 'pantau/write', 'pantau/admin'];

const DEMO_SUBSCRIBERS: Omit<Subscriber, 'tenantId' | 'issueId' | 'createdAt'>[] = [
  { id: 'sub-demo-sms', channel: 'sms', address: '+6281100000000', minLevel: 'SIAGA', lang: 'id' },
  {
    id: 'sub-demo-email',
    channel: 'email',
    address: 'humas@instansi-demo.example',
    minLevel: 'WASPADA',
    lang: 'id',
  },
];

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function generateToken(): string {
  return `pt_${randomBytes(32).toString('base64url')}`;
}

function demoIssueId(index: number): string {
  return `demo-${index + 1}`;
}

async function seedDemo(
  repos: Repositories,
  opts: { token: string; now?: Date },
): Promise<{ tenantId: string; issues: Issue[] }> {
  const now = (opts.now ?? new Date()).toISOString();
  if (!(await repos.tenants.get(DEMO_TENANT_ID))) {
    await repos.tenants.put({
      id: DEMO_TENANT_ID,
      name: 'Diskominfo Demo (contoh instansi)',
      createdAt: now,
    });
  }
  const hash = hashToken(opts.token);
  if (!(await repos.tenants.getToken(hash))) {
    await repos.tenants.putToken({
      hash,
      tenantId: DEMO_TENANT_ID,
      id: `tok_demo_${hash.slice(0, 8)}`,
      name: 'demo token (npm start)',
      scopes: DEMO_SCOPES,
      createdAt: now,
    });
  }
  const issues: Issue[] = [];
  for (const [i, demo] of DEMO_ISSUES.entries()) {
    const id = demoIssueId(i);
    const existing = await repos.issues.get(DEMO_TENANT_ID, id);
    if (existing) {
      issues.push(existing);
      continue;
    }
    const issue: Issue = {
      tenantId: DEMO_TENANT_ID,
      id,
      name: demo.name,
      query: demo.query,
      sources: demo.sources,
      languages: demo.languages,
      status: 'active',
      detector: {},
      createdAt: now,
      updatedAt: now,
    };
    await repos.issues.create(issue);
    issues.push(issue);
    // Fictitious recipients (reserved .example domain, unallocated number) so the local outbox
    // shows who would get which SMS and email.
    for (const sub of DEMO_SUBSCRIBERS) {
      await repos.subscribers.add({
        ...sub,
        tenantId: DEMO_TENANT_ID,
        issueId: id,
        createdAt: now,
      });
    }
  }
  return { tenantId: DEMO_TENANT_ID, issues };
}

export { DEMO_SCOPES, DEMO_TENANT_ID, generateToken, hashToken, seedDemo };
