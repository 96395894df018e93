import { describe, expect, it } from 'vitest';
import {
  alertRef,
  formatEmail,
  formatSms,
  gsm7Length,
  isGsm7,
  toGsm7,
} from '../../../lib/alerts/index.ts';
import { sampleAlert } from './fixtures.ts';

describe('GSM-7', () => {
  it('counts the basic set as 1 and the extension table as 2', () => {
    expect(gsm7Length('Harga beras @ Rp15.000')).toBe(22);
    expect(gsm7Length('[a]{b}€~^|\\')).toBe(2 * 9 + 2);
    expect(gsm7Length('Café Ñandù é à')).toBe(14);
    expect(gsm7Length('Ñandú')).toBeUndefined();
    expect(gsm7Length('emoji 😡')).toBeUndefined();
    expect(isGsm7('Jalan Tol Trans-Jawa')).toBe(true);
    expect(isGsm7('Banjir “Jakarta”')).toBe(false);
  });

  it('transliterates to the basic set: accents, quotes, dashes; drops emoji and other scripts', () => {
    expect(toGsm7('Pêmilu “Serentak” – 2029 😡🔥')).toBe('Pemilu "Serentak" - 2029');
    expect(toGsm7('Kota Mekkah مكة and 北京')).toBe('Kota Mekkah and');
    expect(toGsm7('[Banjir] {Bekasi} €5')).toBe('(Banjir) (Bekasi) EUR5');
    expect(isGsm7(toGsm7('ꦗꦮ Jawa\nTimur\tx'))).toBe(true);
  });
});

describe('formatSms', () => {
  it('writes one Indonesian GSM-7 line within one segment with the numbers and a reference', () => {
    const alert = sampleAlert();
    const sms = formatSms(alert, 'id');
    expect(sms).toBe(
      `SIAGA Pantau: Harga Beras Naik - 76 negatif/5mnt (normal 10.5, 7.2x, 60% neg) sejak 10:00 WIB. Ref ${alertRef(alert.id)}`,
    );
    expect(gsm7Length(sms)).toBeLessThanOrEqual(160);
    expect(sms).not.toContain('\n');
  });

  it('never carries post text, and says when an episode escalated', () => {
    const sms = formatSms(sampleAlert({ level: 'AWAS', state: 'escalated' }), 'id');
    expect(sms.startsWith('NAIK ke AWAS Pantau:')).toBe(true);
    expect(sms).not.toContain('rakyat kecil');
    expect(formatSms(sampleAlert({ state: 'escalated' }), 'en')).toMatch(
      /^UP to SIAGA Pantau: .* 76 negative\/5min .* since 10:00 WIB\./,
    );
  });

  it('shortens long or exotic issue names to fit, with a link when a base URL is given', () => {
    const names = [
      'Penolakan Warga terhadap Rencana Pembangunan Bendungan dan Relokasi Desa di Kabupaten Wadas, Purworejo, Jawa Tengah 2026',
      '😡🔥 Kenaikan “Harga” BBM — Pertalite & Solar 🔥😡 [subsidi] {terbatas} ~ € ^ | \\',
      'ꦥꦼꦩꦶꦭꦸ',
    ];
    for (const issueName of names) {
      for (const lang of ['id', 'en'] as const) {
        for (const baseUrl of [
          undefined,
          'https://pantau.go.id',
          `https://${'x'.repeat(200)}.id`,
        ]) {
          const sms = formatSms(sampleAlert({ issueName, level: 'AWAS' }), lang, baseUrl);
          expect(isGsm7(sms), sms).toBe(true);
          expect(gsm7Length(sms), sms).toBeLessThanOrEqual(160);
          expect(sms).toMatch(/^AWAS Pantau: /);
        }
      }
    }
    const long = formatSms(
      sampleAlert({ issueName: names[0] as string }),
      'id',
      'https://pantau.go.id',
    );
    expect(long).toContain('Penolakan Warga');
    expect(long).toContain('..');
    expect(long).toContain(`https://pantau.go.id/a/${alertRef(sampleAlert().id)}`);
    expect(formatSms(sampleAlert({ issueName: names[2] as string }), 'id')).toContain(': isu - ');
  });
});

describe('formatEmail', () => {
  it('gives the evidence in Indonesian: counts, baseline, trend, top mentions with links', () => {
    const { subject, text } = formatEmail(sampleAlert(), 'id', 'https://pantau.go.id');
    expect(subject).toBe('[Pantau] SIAGA: Harga Beras Naik - 76 sebutan negatif dalam 5 menit');
    expect(text).toContain('Waktu          : 2026-03-05 10:00 WIB s.d. 10:05 WIB');
    expect(text).toContain('Sebutan negatif: 76 dari 127 (60% negatif)');
    expect(text).toContain('Normal         : 10.5 ± 4.7 per 5 menit');
    expect(text).toContain('Tren negatif   : 9 11 8 12 10 76');
    expect(text).toContain('1. warga: Harga beras naik lagi 😡 rakyat kecil makin susah!!');
    expect(text).toContain('keterlibatan 1520 - https://x.com/warga/status/1');
    expect(text).toContain(`https://pantau.go.id/a/${alertRef(sampleAlert().id)}`);
  });

  it('has an English version and says when there are no stored mentions', () => {
    const alert = sampleAlert({ state: 'escalated', level: 'AWAS' });
    alert.evidence.topMentions = [];
    const { subject, text } = formatEmail(alert, 'en');
    expect(subject).toBe(
      '[Pantau] Escalated to AWAS: Harga Beras Naik - 76 negative mentions in 5 minutes',
    );
    expect(text).toContain('AWAS (critical) alert');
    expect(text).toContain('(no stored mentions yet)');
    expect(text).toContain(`Ref: ${alertRef(alert.id)}`);
  });
});
