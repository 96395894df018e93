/**
 * The detect use case: bucket changes in, alert items and notifications out.
 *
 * Exactly once per (issue, episode, level) rests on three facts:
 * 1. The detector state is saved with its new events as `pending` BEFORE anything is delivered
 *    (optimistic lock on the state's version). Once saved, an episode's start is fixed, so a
 *    retry can never invent a second episode for the same surge.
 * 2. Delivering a pending raise or escalation is: create the alert item (conditional on
 *    (issue, episode, level) being new) → publish → markNotified. A retry finds the item; it
 *    publishes again only if `notifiedAt` is missing, i.e. only if the earlier publish did not
 *    complete or its markNotified did not land (the one window where SNS may see the same alert
 *    twice: a publish that succeeded immediately before a crash).
 * 3. The save that adds pending events also takes a lease on delivering them (`claim`); only
 *    the holder publishes, so two concurrent runs cannot both find `notifiedAt` unset and both
 *    send. A run that finds a live lease of another saves its own events and fails (the stream
 *    retries it), so a crashed holder's events go out once its lease expires.
 * 4. The pending list is cleared by a save after delivery; if that save loses a race, the
 *    holder goes round and delivers what the other run added, skipping what it already sent.
 * Errors propagate, so the stream handler reports the batch item failure and the retry finds
 * the pending events in the state.
 */

import { randomUUID } from 'node:crypto';
import {
  advance,
  DEFAULT_DETECTOR_PARAMS,
  type DetectionParams,
  type DetectorEvent,
  type DetectorState,
  isState,
  resolveParams,
  toWindows,
} from '../detection/index.ts';
import {
  ConflictError,
  errorMessage,
  PartialDeliveryError,
  ValidationError,
} from '../domain/errors.ts';
import type { AlertPublisher, Repositories } from '../domain/ports.ts';
import type { Alert, AlertEvidence, Issue, Mention } from '../domain/types.ts';
import type { Log } from '../runtime/log.ts';
import { alertSk, encodeAlertId } from '../storage/keys.ts';

export interface BucketChange {
  tenantId: string;
  issueId: string;
  start: string;
}

/** What is stored through DetectorStateRepository. */
interface StoredState {
  detector: DetectorState;
  /** Events saved but not yet delivered (alert created, published, marked; or resolved). */
  pending: DetectorEvent[];
  /**
   * Who is delivering the pending events, until when. Only the holder publishes, so two
   * concurrent runs never both see an alert without `notifiedAt` and both send it. The lease
   * must outlast one delivery (the detect Lambda's timeout); a crashed holder's events are
   * delivered by the first run after it expires.
   */
  claim?: { owner: string; until: string };
}

export interface DetectDeps {
  repos: Repositories;
  publisher: AlertPublisher;
  now?: () => Date;
  log?: Log;
  /** History read on an issue's first evaluation, in hours (default 24). */
  lookbackHours?: number;
  /** Top negative mentions attached to an alert (default 5). */
  topMentions?: number;
  /** Lease on the pending events while one run delivers them, in seconds (default 90). */
  claimSeconds?: number;
}

const MAX_ATTEMPTS = 5;
const MAX_HISTORY_MS = 7 * 86_400_000;

const silent: Log = { debug() {}, info() {}, warn() {}, error() {} };

function engagementOf(m: Mention): number {
  const e = m.engagement ?? {};
  return (e.likes ?? 0) + (e.reposts ?? 0) + (e.replies ?? 0) + (e.quotes ?? 0);
}

function readStored(raw: unknown, log: Log, issueId: string): StoredState | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = raw as Partial<StoredState>;
  if (typeof s === 'object' && isState(s.detector) && Array.isArray(s.pending)) {
    return s.claim
      ? { detector: s.detector, pending: s.pending, claim: s.claim }
      : { detector: s.detector, pending: s.pending };
  }
  // A state from an older detector version: relearning from the lookback beats failing forever.
  log.warn('detector state unreadable, relearning from history', { issueId });
  return undefined;
}

function createDetectUseCase(deps: DetectDeps): {
  onBucketsChanged(changes: BucketChange[]): Promise<void>;
} {
  const { repos, publisher } = deps;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? silent;
  const lookbackMs = (deps.lookbackHours ?? 24) * 3_600_000;
  const topN = deps.topMentions ?? 5;
  const claimMs = (deps.claimSeconds ?? 90) * 1000;

  function paramsOf(issue: Issue): DetectionParams {
    try {
      return resolveParams(issue.detector as Partial<DetectionParams>);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      // Bad settings must not stop an issue's monitoring, nor retry a stream batch forever:
      // the defaults run and the problem is logged for the operator.
      log.error('invalid detector parameters, using defaults', {
        issueId: issue.id,
        error: err.message,
      });
      return { ...DEFAULT_DETECTOR_PARAMS };
    }
  }

  async function topMentionsOf(issueId: string, ev: DetectorEvent) {
    const page = await repos.mentions.query(issueId, {
      from: ev.windowStart,
      to: ev.windowEnd,
      sentiment: 'NEGATIVE',
      limit: 200,
      order: 'desc',
    });
    return page.items
      .map((m) => ({ m, engagement: engagementOf(m) }))
      .sort((a, b) => b.engagement - a.engagement || (a.m.createdAt < b.m.createdAt ? 1 : -1))
      .slice(0, topN)
      .map(({ m, engagement }) => ({
        id: m.id,
        url: m.url,
        text: m.title ? `${m.title} - ${m.text}` : m.text,
        author: m.author.handle ?? m.author.name,
        engagement,
      }));
  }

  async function deliverAlert(issue: Issue, ev: DetectorEvent): Promise<void> {
    const id = encodeAlertId(issue.id, alertSk(ev.episodeStart, ev.level));
    const evidence: AlertEvidence = {
      windowStart: ev.windowStart,
      windowEnd: ev.windowEnd,
      negative: ev.negative,
      total: ev.total,
      baseline: ev.baseline,
      deviation: ev.deviation,
      ratio: ev.ratio,
      negativeShare: ev.negativeShare,
      trend: ev.trend,
      topMentions: await topMentionsOf(issue.id, ev),
      reason: ev.reason,
    };
    const alert: Alert = {
      tenantId: issue.tenantId,
      issueId: issue.id,
      issueName: issue.name,
      id,
      episodeStart: ev.episodeStart,
      level: ev.level,
      state: ev.type === 'escalated' ? 'escalated' : 'raised',
      raisedAt: ev.at,
      status: 'open',
      evidence,
    };
    let toSend = alert;
    if (!(await repos.alerts.create(alert))) {
      const existing = await repos.alerts.get(id);
      if (!existing) throw new ConflictError(`alert ${id} exists but cannot be read back`);
      if (existing.notifiedAt) {
        log.info('alert already notified', { issueId: issue.id, level: ev.level });
        return;
      }
      // Re-send what was stored, so a retried notification says what the first one would have.
      toSend = existing;
    }
    let messageId: string;
    try {
      ({ messageId } = await publisher.publish(toSend, { skip: toSend.deliveredParts }));
    } catch (err) {
      // Remember what already went out (SNS: a language), so the retry sends only the rest
      // and no official gets the same alert twice.
      if (err instanceof PartialDeliveryError && err.delivered.length > 0) {
        const parts = [...(toSend.deliveredParts ?? []), ...err.delivered];
        await repos.alerts.markDelivered(toSend, parts);
      }
      throw err;
    }
    await repos.alerts.markNotified(toSend, now().toISOString());
    log.info('alert notified', {
      issueId: issue.id,
      level: ev.level,
      state: toSend.state,
      messageId,
    });
  }

  async function deliverResolution(issue: Issue, ev: DetectorEvent): Promise<void> {
    const alerts = await repos.alerts.listByIssue(issue.id, 50);
    for (const a of alerts) {
      if (a.episodeStart !== ev.episodeStart || a.status === 'resolved') continue;
      await repos.alerts.setStatus(a, 'resolved', 'system', ev.at, undefined);
    }
    log.info('episode resolved', { issueId: issue.id, episodeStart: ev.episodeStart });
  }

  async function deliver(issue: Issue, ev: DetectorEvent): Promise<void> {
    if (ev.type === 'resolved') await deliverResolution(issue, ev);
    else await deliverAlert(issue, ev);
  }

  async function processIssue(tenantId: string, issueId: string): Promise<void> {
    const me = randomUUID();
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const issue = await repos.issues.get(tenantId, issueId);
      if (issue?.status !== 'active') {
        log.debug('issue gone or paused, skipped', { tenantId, issueId });
        return;
      }
      const params = paramsOf(issue);
      const stored = await repos.detector.get(issueId);
      let version = stored?.version ?? 0;
      const prior = readStored(stored?.state, log, issueId);
      const at = now();
      const nowMs = at.getTime();
      const widthMs = params.windowMinutes * 60000;
      const usable = prior && prior.detector.windowMinutes === params.windowMinutes;
      const fromMs = Math.max(
        usable ? prior.detector.settledUntil : Math.floor((nowMs - lookbackMs) / widthMs) * widthMs,
        Math.floor((nowMs - MAX_HISTORY_MS) / widthMs) * widthMs,
      );
      const buckets = await repos.buckets.query(
        issueId,
        '5m',
        new Date(fromMs).toISOString(),
        new Date(nowMs + 1).toISOString(),
      );
      const windows = toWindows(buckets, params.windowMinutes);
      const { state, events } = advance(usable ? prior.detector : undefined, windows, at, params);
      const pending = [...(prior?.pending ?? []), ...events];
      const claim = prior?.claim;
      const heldByOther =
        claim !== undefined && claim.owner !== me && Date.parse(claim.until) > nowMs;
      const next: StoredState = { detector: state, pending };
      if (pending.length > 0 && !heldByOther) {
        next.claim = { owner: me, until: new Date(nowMs + claimMs).toISOString() };
      } else if (claim && heldByOther) {
        next.claim = claim;
      }
      const unchanged =
        stored !== undefined && JSON.stringify(next) === JSON.stringify(stored.state);
      if (!unchanged) {
        try {
          await repos.detector.put(issueId, next, version);
          version += 1;
        } catch (err) {
          if (err instanceof ConflictError) {
            log.debug('detector state moved on, retrying', { issueId, attempt });
            continue;
          }
          throw err;
        }
      }
      if (pending.length === 0) return;
      if (heldByOther) {
        // Our events are saved; the claim holder delivers them. Failing makes the stream retry
        // this batch later, so pending events never wait for the next mention if it crashed.
        throw new ConflictError(
          `alert delivery for issue ${issueId} is in progress elsewhere until ${claim?.until}`,
        );
      }
      try {
        for (const ev of pending) await deliver(issue, ev);
      } catch (err) {
        // Give the lease back so the stream's retry delivers at once instead of waiting for it
        // to expire; the events stay pending. Only a crash leaves the lease to run out.
        await repos.detector
          .put(issueId, { detector: state, pending }, version)
          .catch((releaseErr: unknown) => {
            log.warn('could not release the delivery lease', {
              issueId,
              error: errorMessage(releaseErr),
            });
          });
        throw err;
      }
      try {
        await repos.detector.put(issueId, { detector: state, pending: [] }, version);
        return;
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        // A concurrent run saved new events under our claim: go round and deliver them too;
        // the ones delivered already are skipped (their alerts are marked notified).
        log.debug('state moved on during delivery, going round', { issueId, attempt });
      }
    }
    throw new ConflictError(
      `detector state of issue ${issueId} kept changing (${MAX_ATTEMPTS} tries)`,
    );
  }

  async function onBucketsChanged(changes: BucketChange[]): Promise<void> {
    const issues = new Map<string, { tenantId: string; issueId: string }>();
    for (const c of changes) issues.set(`${c.tenantId}\n${c.issueId}`, c);
    const failures: unknown[] = [];
    for (const { tenantId, issueId } of issues.values()) {
      try {
        await processIssue(tenantId, issueId);
      } catch (err) {
        log.error('detect failed for issue', { tenantId, issueId, error: errorMessage(err) });
        failures.push(err);
      }
    }
    // The other issues went on; the first failure goes up so the batch item is retried.
    if (failures.length > 0) throw failures[0];
  }

  return { onBucketsChanged };
}

export { createDetectUseCase };
