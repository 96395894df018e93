/**
 * What officials read: one SMS line and one email per alert, in Indonesian (default) or
 * English. The SMS never carries post text (it could be anything, and it would not fit); the
 * email carries the evidence, links included.
 */
import { createHash } from 'node:crypto';
import type { Alert, AlertLevel } from '../domain/types.ts';
import { gsm7Length, SMS_SEGMENT, toGsm7 } from './gsm7.ts';

export type Lang = 'id' | 'en';

const JAKARTA_OFFSET_MS = 7 * 3_600_000;

/**
 * A short, stable reference of an alert for SMS and subjects: 8 base32 characters of the
 * SHA-256 of its id. The API resolves it by scanning the tenant's recent alerts.
 */
function alertRef(alertId: string): string {
  const digest = createHash('sha256').update(alertId).digest();
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  let out = '';
  for (let i = 0; i < 8; i += 1) out += alphabet[(digest[i] as number) % 32];
  return out;
}

function wib(iso: string): string {
  const d = new Date(Date.parse(iso) + JAKARTA_OFFSET_MS);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function wibDate(iso: string): string {
  const d = new Date(Date.parse(iso) + JAKARTA_OFFSET_MS);
  return `${d.toISOString().slice(0, 10)} ${wib(iso)} WIB`;
}

function minutes(alert: Alert): number {
  return Math.max(
    1,
    Math.round(
      (Date.parse(alert.evidence.windowEnd) - Date.parse(alert.evidence.windowStart)) / 60000,
    ),
  );
}

function fmt(x: number, digits = 1): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(digits);
}

const LEVEL_EN: Record<AlertLevel, string> = {
  WASPADA: 'WASPADA (watch)',
  SIAGA: 'SIAGA (warning)',
  AWAS: 'AWAS (critical)',
};

function link(baseUrl: string | undefined, alert: Alert): string | undefined {
  if (!baseUrl) return undefined;
  return `${baseUrl.replace(/\/+$/, '')}/a/${alertRef(alert.id)}`;
}

/** Cuts `name` so that `render(name)` fits `budget` septets; '..' marks a cut. */
function fitName(name: string, budget: number, render: (n: string) => string): string | undefined {
  const full = render(name);
  if ((gsm7Length(full) ?? Number.POSITIVE_INFINITY) <= budget) return full;
  const chars = [...name];
  for (let n = chars.length - 1; n >= 3; n -= 1) {
    const candidate = render(`${chars.slice(0, n).join('').trimEnd()}..`);
    if ((gsm7Length(candidate) ?? Number.POSITIVE_INFINITY) <= budget) return candidate;
  }
  return undefined;
}

/**
 * One GSM-7 line of at most 160 septets: level, issue name (transliterated, shortened to fit),
 * negatives against normal, ratio and share, the window's WIB time and a reference or link.
 * Parts are dropped in a fixed order (link, then share) if a long base URL leaves no room.
 */
function formatSms(alert: Alert, lang: Lang = 'id', baseUrl?: string): string {
  const e = alert.evidence;
  const name = toGsm7(alert.issueName) || 'isu';
  const ref = alertRef(alert.id);
  const url = link(baseUrl, alert);
  const mins = minutes(alert);
  const share = Math.round(e.negativeShare * 100);
  const head =
    alert.state === 'escalated'
      ? lang === 'id'
        ? `NAIK ke ${alert.level}`
        : `UP to ${alert.level}`
      : alert.level;
  const variants: ((n: string) => string)[] = [];
  const numbers =
    lang === 'id'
      ? `${e.negative} negatif/${mins}mnt (normal ${fmt(e.baseline)}, ${fmt(e.ratio)}x`
      : `${e.negative} negative/${mins}min (normal ${fmt(e.baseline)}, ${fmt(e.ratio)}x`;
  const shareText = lang === 'id' ? `, ${share}% neg)` : `, ${share}% neg)`;
  const since =
    lang === 'id' ? ` sejak ${wib(e.windowStart)} WIB.` : ` since ${wib(e.windowStart)} WIB.`;
  const tail = url ? ` ${url}` : ` Ref ${ref}`;
  const refOnly = ` Ref ${ref}`;
  variants.push((n) => `${head} Pantau: ${n} - ${numbers}${shareText}${since}${tail}`);
  variants.push((n) => `${head} Pantau: ${n} - ${numbers}${shareText}${since}${refOnly}`);
  variants.push((n) => `${head} Pantau: ${n} - ${numbers})${since}${refOnly}`);
  for (const v of variants) {
    const text = fitName(name, SMS_SEGMENT, v);
    if (text !== undefined) return text;
  }
  // Unreachable with Pantau's numbers (the shortest variant is under 100 septets), kept so
  // a bug shows up as a short text, never as a two-part SMS.
  return `${head} Pantau. Ref ${ref}`.slice(0, SMS_SEGMENT);
}

export interface EmailMessage {
  subject: string;
  text: string;
}

function trendLine(trend: number[]): string {
  return trend.length > 0 ? trend.join(' ') : '-';
}

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** Subject and plain-text body with the evidence officials need to act. */
function formatEmail(alert: Alert, lang: Lang = 'id', baseUrl?: string): EmailMessage {
  const e = alert.evidence;
  const mins = minutes(alert);
  const url = link(baseUrl, alert);
  const ref = alertRef(alert.id);
  const share = Math.round(e.negativeShare * 100);
  const id = lang === 'id';
  const levelName = id ? alert.level : LEVEL_EN[alert.level];
  const subject = id
    ? `[Pantau] ${alert.state === 'escalated' ? `NAIK ke ${alert.level}` : alert.level}: ${alert.issueName} - ${e.negative} sebutan negatif dalam ${mins} menit`
    : `[Pantau] ${alert.state === 'escalated' ? `Escalated to ${alert.level}` : alert.level}: ${alert.issueName} - ${e.negative} negative mentions in ${mins} minutes`;
  const lines: string[] = [];
  if (id) {
    lines.push(
      `Peringatan ${levelName} untuk isu "${alert.issueName}".`,
      alert.state === 'escalated'
        ? 'Status krisis NAIK dalam episode yang sedang berlangsung.'
        : 'Lonjakan sebutan negatif terdeteksi di atas tingkat normal isu ini.',
      '',
      `Waktu          : ${wibDate(e.windowStart)} s.d. ${wib(e.windowEnd)} WIB`,
      `Sebutan negatif: ${e.negative} dari ${e.total} (${share}% negatif)`,
      `Normal         : ${fmt(e.baseline)} ± ${fmt(e.deviation)} per ${mins} menit`,
      `Kenaikan       : ${fmt(e.ratio)}x dari normal`,
      `Tren negatif   : ${trendLine(e.trend)} (per jendela, terlama dulu)`,
      `Alasan         : ${e.reason}`,
      `Episode mulai  : ${wibDate(alert.episodeStart)}`,
      '',
      'Sebutan negatif teratas (menurut keterlibatan):',
    );
  } else {
    lines.push(
      `${levelName} alert for the issue "${alert.issueName}".`,
      alert.state === 'escalated'
        ? 'The ongoing crisis episode has ESCALATED.'
        : 'A surge of negative mentions above this issue’s normal level was detected.',
      '',
      `Window          : ${wibDate(e.windowStart)} to ${wib(e.windowEnd)} WIB`,
      `Negative        : ${e.negative} of ${e.total} (${share}% negative)`,
      `Normal          : ${fmt(e.baseline)} ± ${fmt(e.deviation)} per ${mins} minutes`,
      `Rise            : ${fmt(e.ratio)}x normal`,
      `Negative trend  : ${trendLine(e.trend)} (per window, oldest first)`,
      `Reason          : ${e.reason}`,
      `Episode started : ${wibDate(alert.episodeStart)}`,
      '',
      'Top negative mentions (by engagement):',
    );
  }
  if (e.topMentions.length === 0) {
    lines.push(id ? '  (belum ada sebutan yang tersimpan)' : '  (no stored mentions yet)');
  }
  e.topMentions.forEach((m, i) => {
    const who = m.author ? `${m.author}: ` : '';
    lines.push(`${i + 1}. ${who}${clip(m.text, 240)}`);
    lines.push(`   ${id ? 'keterlibatan' : 'engagement'} ${m.engagement} - ${m.url}`);
  });
  lines.push('');
  lines.push(
    url ? `${id ? 'Rincian dan tindak lanjut' : 'Details and follow-up'}: ${url}` : `Ref: ${ref}`,
  );
  lines.push(
    id
      ? 'Pesan otomatis dari Pantau. Tandai "ditangani" di dasbor agar rekan Anda tahu.'
      : 'Automatic message from Pantau. Acknowledge it on the dashboard so colleagues know.',
  );
  return { subject, text: lines.join('\n') };
}

export { alertRef, formatEmail, formatSms };
