/** Numbers, shares and times as officials read them, in the chosen language. */
import { getLang, locale } from './i18n.ts';

function num(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

function pct(share: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(
    share,
  );
}

function decimal(n: number, digits = 1): string {
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

/** Wall-clock time in the phone's own zone (WIB, WITA or WIT), with the date when not today. */
function dateTime(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const sameDay = d.toDateString() === now.toDateString();
  return new Intl.DateTimeFormat(locale(), {
    ...(sameDay ? {} : { day: 'numeric', month: 'short' }),
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "12 menit yang lalu": how long a crisis has been going on is the first thing asked. */
function relative(iso: string, now: Date = new Date()): string {
  const diff = Date.parse(iso) - now.getTime();
  if (Number.isNaN(diff)) return iso;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return rtf.format(Math.round(diff / ms), unit);
  }
  return rtf.format(0, 'minute');
}

function lang(): string {
  return getLang();
}

/**
 * Who acted, as an official reads it: a signed-in official by username (the API's
 * `user:<username>`); an API client or token as the API names it.
 */
function actorName(actor: string | undefined): string {
  if (!actor) return '?';
  return actor.startsWith('user:') ? actor.slice('user:'.length) : actor;
}

export { actorName, dateTime, decimal, lang, num, pct, relative };
