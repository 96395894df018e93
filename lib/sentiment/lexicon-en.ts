/**
 * English fallback when Comprehend is off: the AFINN-165 word list and emoji scores shipped by the
 * npm `sentiment` package, scored with that package's own rules (tokeniser, one-word negation,
 * comparative = score / tokens). Its comparative score is mapped to three labels with a small
 * dead zone.
 *
 * The package's entry point is not imported: its language loader does
 * `require('../languages/' + code + '/index')`, which esbuild cannot resolve inside the Lambda's
 * ESM bundle (a build warning, and a runtime failure on that path). Importing the data files
 * (and the English module, whose requires are static) lets esbuild inline them, and the scoring loop below is a few lines. A unit test
 * checks that the results equal the package's own `analyze()`.
 */
import emojiLabels from 'sentiment/build/emoji.json' with { type: 'json' };
// The CommonJS module, not labels.json itself: tsx turns a JSON import into an ES module with one
// named export per key, and AFINN's keys include `await` and `true`, which then fail to parse.
import english from 'sentiment/languages/en/index.js';
import sentimentPkg from 'sentiment/package.json' with { type: 'json' };
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import type { Sentiment as SentimentResult } from '../domain/types.ts';

const LEXICON_EN_MODEL = `sentiment@${sentimentPkg.version}`;
/** |comparative| below this is neutral: one mildly positive word in a long post is not a stance. */
const DEAD_ZONE = 0.05;

interface LexiconResult {
  score: number;
  comparative: number;
  positive: string[];
  negative: string[];
}

// The package merges its emoji scores over the AFINN words (emoji win on a clash); a Map keeps
// "constructor" and other Object.prototype names from matching.
const LABELS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    ...english.labels,
    ...(emojiLabels as Record<string, number>),
  }),
);
const PUNCT_RE = /[.,/#!?$%^&*;:{}=_`"~()]/g;
const MULTI_SPACE_RE = /\s\s+/g;

/** The package's tokeniser, verbatim in behaviour. */
function tokenizeEn(input: string): string[] {
  return input
    .toLowerCase()
    .replace(/\n/g, ' ')
    .replace(PUNCT_RE, ' ')
    .replace(MULTI_SPACE_RE, ' ')
    .trim()
    .split(' ');
}

/** Same result fields as `new Sentiment().analyze(text)` for English. */
function analyzeEn(text: string): LexiconResult {
  const tokens = tokenizeEn(text);
  let score = 0;
  const positive: string[] = [];
  const negative: string[] = [];
  // The package walks tokens from the end; kept so the word lists come out in the same order.
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i] as string;
    let s = LABELS.get(t);
    if (s === undefined) continue;
    s = english.scoringStrategy.apply(tokens, i, s);
    if (s > 0) positive.push(t);
    if (s < 0) negative.push(t);
    score += s;
  }
  return {
    score,
    comparative: tokens.length > 0 ? score / tokens.length : 0,
    positive,
    negative,
  };
}

function scoreLexiconEn(text: string, scoredAt: string): SentimentResult {
  const r = analyzeEn(text);
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

export type { LexiconResult };
export { analyzeEn, createLexiconEnAnalyzer, LEXICON_EN_MODEL, scoreLexiconEn };
