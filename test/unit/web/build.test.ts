import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../../../web/build.ts';

describe('buildDashboard', () => {
  it('bundles the app into hashed assets that index.html references, small enough for a phone', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pantau-web-'));
    try {
      const built = await buildDashboard({ outDir: out });
      const names = Object.keys(built.files).sort();
      expect(names).toHaveLength(3);
      expect(names).toContain('index.html');
      const html = new TextDecoder().decode(built.files['index.html']);
      expect(html).toContain(`src="/${built.entry.script}"`);
      expect(html).toContain(`href="/${built.entry.styles}"`);
      expect(html).not.toContain('%SCRIPT%');
      // Written to the folder byte for byte, as the CDK deployment reads it.
      for (const name of names) {
        expect(
          readFileSync(join(out, name)).equals(Buffer.from(built.files[name] as Uint8Array)),
        ).toBe(true);
      }
      // Budget for a slow phone connection: the whole app, uPlot included, under 60 KB gzipped.
      expect(built.sizes.total.gzip).toBeLessThan(60_000);
      expect(built.sizes.total.gzip).toBe(
        Object.values(built.sizes.files).reduce((n, f) => n + f.gzip, 0),
      );
      // The bundle must not carry Node built-ins or the AWS SDK by accident.
      const js = new TextDecoder().decode(built.files[built.entry.script]);
      expect(js).not.toMatch(/node:|@aws-sdk|require\(/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('produces the same asset names for the same sources (cacheable across restarts)', async () => {
    const a = await buildDashboard();
    const b = await buildDashboard();
    expect(a.entry).toEqual(b.entry);
  });
});
