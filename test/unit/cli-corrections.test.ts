import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportCorrections, trainingLine } from '../../lib/cli/commands/corrections.ts';

describe('pantau corrections export', () => {
  it('writes one training line per correction, keeping each post on one line', async () => {
    // Prepare
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => {
      text += c.toString();
    });
    const mentions = {
      listCorrections: async () => [
        { text: 'antre BBM\t3 jam\nparah', label: 'NEGATIVE' as const, by: 'token:a', at: 't' },
        { text: '   ', label: 'POSITIVE' as const, by: 'token:a', at: 't' },
        { text: 'pelayanan BPJS cepat', label: 'POSITIVE' as const, by: 'token:b', at: 't' },
      ],
    };

    // Act
    const written = await exportCorrections(mentions, out);

    // Assess
    expect(written).toBe(2);
    expect(text).toBe('antre BBM 3 jam parah\tNEGATIVE\npelayanan BPJS cepat\tPOSITIVE\n');
    expect(trainingLine('a\r\nb', 'NEUTRAL')).toBe('a b\tNEUTRAL\n');
  });
});
