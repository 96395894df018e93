/**
 * Bundles the dashboard with esbuild into memory (the local runtime serves it from there) or a
 * folder (CDK deploys that). Asset names carry a content hash so they can be cached for a year,
 * while index.html and config.json are always revalidated.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, type BuildResult, build, buildSync } from 'esbuild';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));

interface FileSize {
  bytes: number;
  gzip: number;
}

interface DashboardBuild {
  /** Paths relative to the site root, e.g. `index.html`, `assets/main-3FJ2KQ.js`. */
  files: Record<string, Uint8Array>;
  sizes: { files: Record<string, FileSize>; total: FileSize };
  /** The hashed script and stylesheet index.html loads. */
  entry: { script: string; styles: string };
}

/** Officials' phones: Android Chrome 90+ and iOS Safari 15+ (uPlot needs more than Safari 14). */
const TARGETS = ['es2020', 'chrome90', 'safari15', 'firefox90', 'edge90'];

const OUT_DIR = join(WEB_DIR, 'dist');

function esbuildOptions(minify: boolean): BuildOptions & { write: false; metafile: true } {
  return {
    absWorkingDir: WEB_DIR,
    entryPoints: { main: join(WEB_DIR, 'src/main.ts'), styles: join(WEB_DIR, 'styles.css') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: TARGETS,
    minify,
    sourcemap: false,
    write: false,
    outdir: OUT_DIR,
    entryNames: 'assets/[name]-[hash]',
    assetNames: 'assets/[name]-[hash]',
    metafile: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  };
}

/** Names the outputs, writes index.html with the hashed entry names, measures, and saves. */
function finish(result: BuildResult<{ write: false }>, outDir?: string): DashboardBuild {
  const files: Record<string, Uint8Array> = {};
  for (const out of result.outputFiles) {
    files[relative(OUT_DIR, out.path).split('\\').join('/')] = out.contents;
  }
  const script = Object.keys(files).find((f) => /^assets\/main-.*\.js$/.test(f));
  const styles = Object.keys(files).find((f) => /^assets\/styles-.*\.css$/.test(f));
  if (!script || !styles) {
    throw new Error(`dashboard build produced no entry files: ${Object.keys(files).join(', ')}`);
  }
  const html = readFileSync(join(WEB_DIR, 'index.html'), 'utf8')
    .replace('%SCRIPT%', `/${script}`)
    .replace('%STYLES%', `/${styles}`);
  files['index.html'] = new TextEncoder().encode(html);

  const sizes: DashboardBuild['sizes'] = { files: {}, total: { bytes: 0, gzip: 0 } };
  for (const [name, bytes] of Object.entries(files)) {
    const size = { bytes: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength };
    sizes.files[name] = size;
    sizes.total.bytes += size.bytes;
    sizes.total.gzip += size.gzip;
  }

  if (outDir) {
    const dir = resolve(outDir);
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, bytes);
    }
  }
  return { files, sizes, entry: { script, styles } };
}

async function buildDashboard(
  opts: { minify?: boolean; outDir?: string } = {},
): Promise<DashboardBuild> {
  return finish(await build(esbuildOptions(opts.minify ?? true)), opts.outDir);
}

/** For CDK's local bundling hook, which must be synchronous. */
function buildDashboardSync(opts: { minify?: boolean; outDir?: string } = {}): DashboardBuild {
  return finish(buildSync(esbuildOptions(opts.minify ?? true)), opts.outDir);
}

export { buildDashboard, buildDashboardSync, WEB_DIR };
