/**
 * English fallback when Comprehend is off: the npm `sentiment` package (AFINN-165 word list with
 * negation handling). Its comparative score is mapped to three labels with a small dead zone.
 */
import Sentiment from 'sentiment';
import sentimentPkg from 'sentiment/package.json' with { type: 'json' };
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import type { Sentiment as SentimentResult } from '../domain/types.ts';

const LEXICON_EN_MODEL = `sentiment@${sentimentPkg.version}`;
/** |comparative| below this is neutral: one mildly positive word in a long post is not a stance. */
const DEAD_ZONE = 0.05;

let instance: Sentiment | undefined;

function scoreLexiconEn(text: string, scoredAt: string): SentimentResult {
  instance ??= new Sentiment();
  const r = instance.analyze(text);
  // Squash the comparative score into pseudo-probabilities so scores have the same shape as the
  // other engines'; they are a monotone transform, not calibrated probabilities.
  const strength = Math.min(1, Math.abs(r.comparative) / 0.5);
  const polar = r.comparative > 0 ? 'POSITIVE' : 'NEGATIVE';
  const mixed =
    r.positive.length > 0 && r.negative.length > 0 && Math.abs(r.comparative) < DEAD_ZONE;
  const label = mixed ? 'MIXED' : Math.abs(r.comparative) < DEAD_ZONE ? 'NEUTRAL' : polar;
  const scores = { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
  if (label === 'MIXED') {
    scores.MIXED = 0.6;
    scores.POSITIVE = 0.2;
    scores.NEGATIVE = 0.2;
  } else if (label === 'NEUTRAL') {
    scores.NEUTRAL = 1 - strength / 2;
    scores.POSITIVE = r.comparative > 0 ? strength / 2 : 0;
    scores.NEGATIVE = r.comparative < 0 ? strength / 2 : 0;
  } else {
    const p = 0.5 + strength / 2;
    scores[polar] = p;
    scores.NEUTRAL = 1 - p;
  }
  for (const k of Object.keys(scores) as (keyof typeof scores)[])
    scores[k] = Math.round(scores[k] * 10_000) / 10_000;
  return { label, scores, engine: 'lexicon-en', model: LEXICON_EN_MODEL, scoredAt };
}

function createLexiconEnAnalyzer(): SentimentAnalyzer {
  return {
    async analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]> {
      const scoredAt = new Date().toISOString();
      return inputs.map((i) => ({
        id: i.id,
        lang: 'en',
        sentiment: scoreLexiconEn(i.text, scoredAt),
      }));
    },
  };
}

export { createLexiconEnAnalyzer, LEXICON_EN_MODEL, scoreLexiconEn };
