import { describe, expect, it } from 'vitest';
import { format, TABLES, t } from '../../../web/src/i18n.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n', () => {
  it('has a non-empty Indonesian and English text for every key, with the same placeholders', () => {
    const keys = Object.keys(TABLES.id) as (keyof typeof TABLES.id)[];
    expect(Object.keys(TABLES.en).sort()).toEqual([...keys].sort());
    for (const key of keys) {
      expect(TABLES.id[key].trim(), key).not.toBe('');
      expect(TABLES.en[key].trim(), key).not.toBe('');
      expect(placeholders(TABLES.en[key]), key).toEqual(placeholders(TABLES.id[key]));
    }
  });

  it('speaks Indonesian by default and fills placeholders', () => {
    expect(t('navOverview')).toBe('Ringkasan');
    expect(t('navAlerts', {}, 'en')).toBe('Alerts');
    expect(t('openAlertBanner', { count: 2 })).toBe('2 peringatan terbuka');
  });

  it('leaves an unknown placeholder visible instead of dropping it', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
