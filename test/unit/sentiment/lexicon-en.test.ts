import Sentiment from 'sentiment';
import { describe, expect, it } from 'vitest';
import { analyzeEn, LEXICON_EN_MODEL, scoreLexiconEn } from '../../../lib/sentiment/lexicon-en.ts';

// The engine re-implements the package's scoring over its own data files (so esbuild can inline
// them); these texts exercise emoji, negators, punctuation, repeated spaces and unknown words.
const TEXTS = [
  'The new bus line is great and the drivers are very friendly',
  'The flood response was terrible, the officials are useless!!',
  "I don't like the new permit system. It isn't good at all",
  'not bad, not bad at all 👍 😭',
  'Roads   fixed\nfinally... #grateful :) love it ❤',
  'constructor toString hasOwnProperty __proto__',
  '',
  'Prices went up 20% again; nobody cares?',
];

describe('English lexicon engine', () => {
  it('gives the same score, comparative and word lists as the npm sentiment package', () => {
    const pkg = new Sentiment();
    for (const text of TEXTS) {
      const ref = pkg.analyze(text);
      const ours = analyzeEn(text);
      expect(ours, text).toEqual({
        score: ref.score,
        comparative: ref.comparative,
        positive: ref.positive,
        negative: ref.negative,
      });
    }
  });

  it('labels clear English posts and names the package version as the model', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(scoreLexiconEn('The drivers are friendly and the service is great', at)).toMatchObject({
      label: 'POSITIVE',
      engine: 'lexicon-en',
      model: LEXICON_EN_MODEL,
    });
    expect(scoreLexiconEn('The flood response was terrible and awful', at).label).toBe('NEGATIVE');
    expect(scoreLexiconEn('The meeting is on Tuesday at the city hall', at).label).toBe('NEUTRAL');
    expect(LEXICON_EN_MODEL).toMatch(/^sentiment@\d+\.\d+\.\d+$/);
  });
});
