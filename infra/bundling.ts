/**
 * The one description of how a Lambda entry is bundled. The house function construct maps it to
 * CDK's NodejsFunction bundling options and the bundle benchmark hands it to esbuild directly, so
 * the sizes and load times the benchmark prints are those of what deploys.
 *
 * The AWS SDK is bundled, not left to the runtime's copy: the versions in package-lock.json are
 * the versions that run (the Lambda-provided SDK moves on its own schedule and has shipped
 * breaking middleware changes), and the minified, tree-shaken clients load faster than the full
 * runtime packages. The cost is bundle bytes, which test/bench/bundles.bench.ts measures.
 */

import type { BuildOptions } from 'esbuild';

/** ESM output has no `require`; some CommonJS dependencies call it for Node built-ins. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

interface HouseBundling {
  readonly target: string;
  readonly format: 'esm';
  readonly platform: 'node';
  readonly minify: boolean;
  /**
   * Keep class and function names through minification: typed errors name themselves with
   * `new.target.name` (lib/domain/errors.ts), and logs must say ValidationError, not `s`.
   */
  readonly keepNames: boolean;
  readonly sourcemap: boolean;
  /**
   * Whether the map embeds the original sources. Off: with `--enable-source-maps` Node reads and
   * parses each bundle's whole map while loading it, on every cold start, and the embedded
   * sources are most of the map (the score bundle's model JSON alone is 1 MB). Stack traces
   * only need the mappings; the sources are the repository at the deployed commit.
   */
  readonly sourcesContent: boolean;
  readonly mainFields: readonly string[];
  readonly banner: string;
  /** Nothing is external: see the module comment. */
  readonly external: readonly string[];
}

const HOUSE_BUNDLING: HouseBundling = {
  target: 'node22',
  format: 'esm',
  platform: 'node',
  minify: true,
  keepNames: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  external: [],
};

/**
 * HOUSE_BUNDLING as esbuild options, for the benchmarks and tests that call esbuild themselves, so
 * what they measure is what deploys. Without an output file esbuild cannot write a map: callers
 * that bundle in memory pass `sourcemap: false`.
 */
function houseEsbuildOptions(): BuildOptions {
  return {
    bundle: true,
    platform: HOUSE_BUNDLING.platform,
    format: HOUSE_BUNDLING.format,
    target: HOUSE_BUNDLING.target,
    minify: HOUSE_BUNDLING.minify,
    keepNames: HOUSE_BUNDLING.keepNames,
    sourcemap: HOUSE_BUNDLING.sourcemap,
    sourcesContent: HOUSE_BUNDLING.sourcesContent,
    mainFields: [...HOUSE_BUNDLING.mainFields],
    banner: { js: HOUSE_BUNDLING.banner },
    external: [...HOUSE_BUNDLING.external],
  };
}

/** Handler entries, relative to the repository root, by function role. */
const FUNCTION_ENTRIES = {
  collect: 'functions/collect/handler.ts',
  score: 'functions/score/handler.ts',
  detect: 'functions/detect/handler.ts',
  api: 'functions/api/handler.ts',
  preToken: 'functions/pre-token/handler.ts',
} as const;

type FunctionRole = keyof typeof FUNCTION_ENTRIES;

export type { FunctionRole, HouseBundling };
export { ESM_REQUIRE_BANNER, FUNCTION_ENTRIES, HOUSE_BUNDLING, houseEsbuildOptions };
