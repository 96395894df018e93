/** Seeds a tenant with issues, scored mentions, an alert and a subscriber on real repositories. */
import { issueLocalToken } from '../../../lib/api/auth.ts';
import type { Repositories } from '../../../lib/domain/ports.ts';
import type { Issue, Mention } from '../../../lib/domain/types.ts';
import { makeAlert, makeMention } from '../../unit/api/fixtures.ts';

export interface SeededTenant {
  tenantId: string;
  tokens: { read: string; write: string; admin: string };
  tokenIds: string[];
  issueIds: string[];
  mentionIds: string[];
  alertIds: string[];
  subscriberIds: string[];
}

async function seedTenant(
  repos: Repositories,
  tenantId: string,
  opts: { issues?: number; mentionsPerIssue?: number; marker?: string; now?: Date } = {},
): Promise<SeededTenant> {
  const now = opts.now ?? new Date();
  await repos.tenants.put({
    id: tenantId,
    name: `Tenant ${tenantId}`,
    createdAt: now.toISOString(),
  });
  const tokenIds: string[] = [];
  const mint = async (scopes: string[]) => {
    const t = await issueLocalToken(repos.tenants, { tenantId, scopes, name: scopes[0], now });
    tokenIds.push(t.id);
    return t.token;
  };
  const tokens = {
    read: await mint(['pantau/read']),
    write: await mint(['pantau/write']),
    admin: await mint(['pantau/admin']),
  };
  const out: SeededTenant = {
    tenantId,
    tokens,
    tokenIds,
    issueIds: [],
    mentionIds: [],
    alertIds: [],
    subscriberIds: [],
  };
  const base = new Date(now.getTime() - 60_000);
  for (let k = 0; k < (opts.issues ?? 2); k++) {
    const issue: Issue = {
      tenantId,
      id: `iss_${tenantId}_${k}`,
      name: `${opts.marker ?? tenantId} issue ${k}`,
      query: 'beras',
      sources: ['x', 'rss'],
      languages: [],
      status: 'active',
      detector: {},
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await repos.issues.create(issue);
    out.issueIds.push(issue.id);
    const mentions: Mention[] = [];
    for (let i = 0; i < (opts.mentionsPerIssue ?? 5); i++) {
      const m = makeMention(tenantId, issue.id, i, base, {
        text: `${opts.marker ?? ''} harga beras ${i} #beras`,
      });
      const { sentiment, detectedLang, ...unscored } = m;
      await repos.mentions.putNew(unscored as Mention);
      mentions.push(m);
    }
    const stored = await repos.mentions.query(issue.id, {
      from: new Date(base.getTime() - 86_400_000).toISOString(),
      to: now.toISOString(),
      limit: 1000,
      order: 'desc',
    });
    await repos.mentions.recordScores(
      stored.items.map((m, i) => ({
        mention: m,
        sentiment: mentions[i]?.sentiment ?? {
          label: 'NEUTRAL',
          scores: { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 1, MIXED: 0 },
          engine: 'builtin',
          model: 't',
          scoredAt: now.toISOString(),
        },
        detectedLang: 'id',
      })),
    );
    out.mentionIds.push(...stored.items.map((m) => m.id));
    await repos.alerts.create(
      makeAlert(tenantId, issue.id, new Date(now.getTime() - 3_600_000).toISOString()),
    );
    out.alertIds.push(...(await repos.alerts.listByIssue(issue.id, 10)).map((a) => a.id));
    const sub = {
      tenantId,
      issueId: issue.id,
      id: `sub_${tenantId}_${k}`,
      channel: 'email' as const,
      address: `humas${k}@${tenantId}.go.id`,
      minLevel: 'WASPADA' as const,
      lang: 'id' as const,
      createdAt: now.toISOString(),
    };
    await repos.subscribers.add(sub);
    out.subscriberIds.push(sub.id);
  }
  return out;
}

/** Everything of a tenant that another tenant could try to read or change. */
async function snapshotTenant(repos: Repositories, t: SeededTenant) {
  const issues = await repos.issues.list(t.tenantId);
  const perIssue = [];
  for (const id of t.issueIds) {
    perIssue.push({
      subscribers: await repos.subscribers.list(id),
      alerts: await repos.alerts.listByIssue(id, 50),
      mentions: (
        await repos.mentions.query(id, {
          from: '2000-01-01T00:00:00.000Z',
          to: '2100-01-01T00:00:00.000Z',
          limit: 1000,
          order: 'asc',
        })
      ).items,
    });
  }
  return {
    tenant: await repos.tenants.get(t.tenantId),
    issues,
    perIssue,
    tokens: await repos.tenants.listTokens(t.tenantId),
    audit: await repos.audit.list(t.tenantId, 1000),
  };
}

export { seedTenant, snapshotTenant };
