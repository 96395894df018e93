/**
 * Collector fan-out permissions: a collector starts its shards by invoking itself, so its role may
 * invoke exactly its own function and no other (not another collector, not score, not api).
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { COLLECT_TIMEOUT_MS } from '../../lib/sources/liveness.ts';
import { resourcesOf, type Synthesized, synthPantau } from './synth.ts';

type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Sid?: string };

let jkt: Synthesized;

beforeAll(() => {
  jkt = synthPantau({ region: 'ap-southeast-3', stage: 'dev' });
}, 180_000);

function collectorIds(): Map<string, { fnId: string; roleId: string }> {
  const out = new Map<string, { fnId: string; roleId: string }>();
  for (const [id, fn] of Object.entries(resourcesOf(jkt.template, 'AWS::Lambda::Function'))) {
    const env = (fn.Properties.Environment as { Variables?: Record<string, string> } | undefined)
      ?.Variables;
    if (!env?.COLLECT_SOURCE) continue;
    const role = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
    out.set(env.COLLECT_SOURCE, { fnId: id, roleId: role['Fn::GetAtt'][0] });
  }
  return out;
}

/** Every statement of every policy attached to `roleId` (default and extra policies alike). */
function statementsOfRole(roleId: string): Statement[] {
  return Object.values(resourcesOf(jkt.template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Construct: Collectors fan-out', () => {
  it('has a collector per scheduled source', () => {
    expect([...collectorIds().keys()].sort()).toEqual([
      'bluesky',
      'demo',
      'google-news',
      'mastodon',
      'rss',
      'x',
      'youtube',
    ]);
  });

  it('allows the self-invoking chain on collectors only; every other function keeps loop detection', () => {
    const collectors = new Set([...collectorIds().values()].map((c) => c.fnId));
    for (const [id, fn] of Object.entries(resourcesOf(jkt.template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties.RecursiveLoop, id).toBe(collectors.has(id) ? 'Allow' : undefined);
    }
  });

  it('lets each collector invoke only itself, by its unqualified ARN', () => {
    const ids = collectorIds();
    const allFunctions = Object.keys(resourcesOf(jkt.template, 'AWS::Lambda::Function'));
    for (const [source, { fnId, roleId }] of ids) {
      const invoke = statementsOfRole(roleId).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('lambda:')),
      );
      expect(invoke, source).toHaveLength(1);
      expect(actionsOf(invoke[0] as Statement), source).toEqual(['lambda:InvokeFunction']);
      expect(invoke[0]?.Effect).toBe('Allow');
      expect(invoke[0]?.Resource, source).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      const named = allFunctions.filter((f) => f !== fnId && JSON.stringify(invoke).includes(f));
      expect(named, source).toEqual([]);
    }
  });

  it('gives no function outside the collectors an invoke grant on a collector', () => {
    const ids = collectorIds();
    const collectorRoles = new Set([...ids.values()].map((c) => c.roleId));
    const collectorFns = [...ids.values()].map((c) => c.fnId);
    for (const policy of Object.values(resourcesOf(jkt.template, 'AWS::IAM::Policy'))) {
      const roles = JSON.stringify(policy.Properties.Roles);
      if ([...collectorRoles].some((r) => roles.includes(`"${r}"`))) continue;
      const doc = policy.Properties.PolicyDocument as { Statement: Statement[] };
      for (const s of doc.Statement) {
        if (!actionsOf(s).includes('lambda:InvokeFunction')) continue;
        // Only the schedule roles (scheduler.amazonaws.com) invoke collectors from outside.
        const hit = collectorFns.filter((f) => JSON.stringify(s.Resource).includes(f));
        expect(hit.length, `${roles} may invoke ${hit.join(',')}`).toBeLessThanOrEqual(1);
        expect(roles).toMatch(/schedule/);
      }
    }
  });

  it('tells each collector its schedule interval, the horizon of a fanned-out run', () => {
    for (const [source, minutes] of [
      ['x', '5'],
      ['rss', '15'],
      ['youtube', '60'],
    ] as const) {
      jkt.template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ COLLECT_SOURCE: source, COLLECT_EVERY_MINUTES: minutes }),
        },
      });
    }
  });

  it('gives each collector the timeout the API assumes for the longest run', () => {
    for (const { fnId } of collectorIds().values()) {
      const fn = resourcesOf(jkt.template, 'AWS::Lambda::Function')[fnId];
      expect(fn?.Properties.Timeout, fnId).toBe(COLLECT_TIMEOUT_MS / 1000);
    }
  });

  it('covers self-invoked shards with the same async retry, max age and on-failure queue', () => {
    const configs = Object.values(resourcesOf(jkt.template, 'AWS::Lambda::EventInvokeConfig'));
    for (const [source, { fnId }] of collectorIds()) {
      const cfg = configs.find(
        (c) => JSON.stringify(c.Properties.FunctionName) === JSON.stringify({ Ref: fnId }),
      );
      expect(cfg, source).toBeDefined();
      expect(JSON.stringify(cfg?.Properties.DestinationConfig)).toContain('FailureDlq');
    }
  });
});
