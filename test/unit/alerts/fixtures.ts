import type { Alert } from '../../../lib/domain/types.ts';

/** A realistic alert: a surge on a rice-price issue at 10:00 WIB. */
function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    tenantId: 'kominfo',
    issueId: 'harga-beras',
    issueName: 'Harga Beras Naik',
    id: 'aGFyZ2EtYmVyYXMKQUxFUlQjMjAyNi0wMy0wNVQwMzowMDowMC4wMDBaI1NJQUdB',
    episodeStart: '2026-03-05T03:00:00.000Z',
    level: 'SIAGA',
    state: 'raised',
    raisedAt: '2026-03-05T03:05:00.000Z',
    status: 'open',
    evidence: {
      windowStart: '2026-03-05T03:00:00.000Z',
      windowEnd: '2026-03-05T03:05:00.000Z',
      negative: 76,
      total: 127,
      baseline: 10.53,
      deviation: 4.71,
      ratio: 7.22,
      negativeShare: 0.598,
      trend: [9, 11, 8, 12, 10, 76],
      topMentions: [
        {
          id: 'm1',
          url: 'https://x.com/warga/status/1',
          text: 'Harga beras naik lagi 😡 rakyat kecil makin susah!!',
          author: 'warga',
          engagement: 1520,
        },
      ],
      reason: '76 negative in 5 min vs baseline 10.5±4.7 (z 13.9, 7.2x), negative share 60%',
    },
    ...overrides,
  };
}

export { sampleAlert };
