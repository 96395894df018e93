/**
 * Speed work on the tokenizer and language ID (issue #3) must not change what they produce.
 * fixtures/golden-texts.jsonl holds 408 texts with the tokens and language decisions recorded
 * before that work: NusaX-Senti Indonesian sentences (Winata et al., EACL 2023; CC BY-SA 4.0),
 * alone and with emoji, emoticons, hashtags, mentions, URLs, upper case, styled letters, slang
 * and other languages applied. test/bench/sentiment-golden.ts runs the same check over all of
 * ../shared/data.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectAndScore, loadBuiltinModel, scoreBuiltin } from '../../../lib/sentiment/builtin.ts';
import { detectLanguage } from '../../../lib/sentiment/language.ts';
import { tokenize } from '../../../lib/sentiment/normalize.ts';

interface GoldenCase {
  text: string;
  tokens: string[];
  /** `lang:confidence` for the source tags in HINTS order. */
  lang: string[];
}

const HINTS = [undefined, 'in', 'ms', 'en'] as const;

const cases: GoldenCase[] = readFileSync(
  new URL('./fixtures/golden-texts.jsonl', import.meta.url),
  'utf8',
)
  .split('\n')
  .filter((line) => line.length > 0)
  .map((line) => JSON.parse(line) as GoldenCase);

describe('golden outputs recorded before the speed work', () => {
  it('has the recorded cases', () => {
    expect(cases.length).toBe(408);
  });

  it('tokenize gives the recorded tokens for every text', () => {
    const mismatches = cases
      .filter((c) => JSON.stringify(tokenize(c.text)) !== JSON.stringify(c.tokens))
      .map((c) => ({ text: c.text, expected: c.tokens, actual: tokenize(c.text) }));
    expect(mismatches).toEqual([]);
  });

  it('detectLanguage gives the recorded language and confidence for every text and tag', () => {
    const mismatches = cases
      .map((c) => ({
        text: c.text,
        expected: c.lang,
        actual: HINTS.map((hint) => {
          const r = detectLanguage(c.text, hint);
          return `${r.lang}:${r.confidence}`;
        }),
      }))
      .filter((m) => m.actual.join() !== m.expected.join());
    expect(mismatches).toEqual([]);
  });

  it('detectAndScore (one scan, as the router runs it) gives the recorded language and scoreBuiltin', () => {
    const model = loadBuiltinModel();
    const at = '2026-01-01T00:00:00.000Z';
    const mismatches = cases.flatMap((c) =>
      HINTS.flatMap((hint, k) => {
        const fused = detectAndScore(model, c.text, hint, at, () => true);
        const expected = { lang: c.lang[k], sentiment: scoreBuiltin(model, c.text, at) };
        const actual = { lang: `${fused.lang}:${fused.confidence}`, sentiment: fused.sentiment };
        return JSON.stringify(actual) === JSON.stringify(expected)
          ? []
          : [{ text: c.text, hint, expected, actual }];
      }),
    );
    expect(mismatches).toEqual([]);
  });

  it('gives the same tokens when a text is tokenized again (per-word cache is transparent)', () => {
    for (const c of cases.slice(0, 50)) expect(tokenize(c.text)).toEqual(c.tokens);
  });
});
