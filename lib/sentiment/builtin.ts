/**
 * The built-in analyzer: the shipped model, loaded once per process.
 *
 * The artifact is a JSON import, so esbuild inlines it into the Lambda bundle and tsx/vitest read
 * it through Node's JSON modules: no file is read relative to the source at runtime.
 */
import artifactJson from '../../models/sentiment-id.json' with { type: 'json' };
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import type { Sentiment, SentimentScores } from '../domain/types.ts';
import { ABSTAIN_RULE, decide } from './abstain.ts';
import { detectLanguage, languageFromVote } from './language.ts';
import { fromArtifact, type LinearModel, type ModelArtifact } from './model.ts';
import { markerVote, tokenHashes, tokenize } from './normalize.ts';

const artifact = artifactJson as unknown as ModelArtifact;

// Local bindings of what runs once or more per post: a transpiler's live binding of an import
// (tsx, vitest) can cost a getter call on every use.
const decideLabel: typeof decide = decide;
const rule: typeof ABSTAIN_RULE = ABSTAIN_RULE;
const fromVote: typeof languageFromVote = languageFromVote;
const takenVote: typeof markerVote = markerVote;
const hashesOf: typeof tokenHashes = tokenHashes;
const tokensOf: typeof tokenize = tokenize;

/** Version of the shipped model, stored with every built-in score. */
const BUILTIN_MODEL_VERSION: string = artifact.manifest.version;

let cached: LinearModel | undefined;

function loadBuiltinModel(): LinearModel {
  cached ??= fromArtifact(artifact);
  return cached;
}

const READABLE_RE = /[\p{L}\p{N}\p{Extended_Pictographic}]/u;

/** Most posts start with a letter or digit: skip the Unicode-property scan for them. */
function startsAlnum(text: string): boolean {
  const c = text.charCodeAt(0);
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

const LABEL_BY_INDEX = ['NEGATIVE', 'NEUTRAL', 'POSITIVE'] as const;

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/** Nothing to read (empty, whitespace, punctuation only): the model's bias is not an opinion. */
function unreadable(text: string): boolean {
  return !startsAlnum(text) && !READABLE_RE.test(text);
}

function unreadableSentiment(model: LinearModel, scoredAt: string): Sentiment {
  return {
    label: 'NEUTRAL',
    scores: { NEGATIVE: 0, NEUTRAL: 1, POSITIVE: 0, MIXED: 0 },
    engine: 'builtin',
    model: model.version,
    scoredAt,
  };
}

/**
 * The sentiment from the probabilities `p` of `tokens`, which must be the last `tokenize` call's
 * (the abstain rule reads their hashes from the tokenizer's buffer).
 */
function sentimentOf(
  model: LinearModel,
  p: Float64Array,
  tokens: readonly string[],
  scoredAt: string,
): Sentiment {
  const scores: SentimentScores = {
    NEGATIVE: round4(p[0] as number),
    NEUTRAL: round4(p[1] as number),
    POSITIVE: round4(p[2] as number),
    MIXED: 0,
  };
  // The label comes from the abstain rule (abstain.ts): a polar label needs a decisive
  // probability, more so for news-style posts. Scores stay the model's own probabilities, so a
  // NEUTRAL label can come with a larger POSITIVE or NEGATIVE score.
  const label = LABEL_BY_INDEX[decideLabel(p, tokens, rule, hashesOf())] as Sentiment['label'];
  return { label, scores, engine: 'builtin', model: model.version, scoredAt };
}

/**
 * Scores one text with the built-in model. The model has three classes and never emits MIXED;
 * `scores.MIXED` is always 0 so every engine returns the same four keys.
 */
function scoreBuiltin(model: LinearModel, text: string, scoredAt: string): Sentiment {
  if (unreadable(text)) return unreadableSentiment(model, scoredAt);
  const p = model.predict(text);
  return sentimentOf(model, p, model.lastTokens(), scoredAt);
}

/**
 * Language ID and built-in scoring of one post from one tokenizer scan, which is what the router
 * runs on every post: the tokenizer takes language ID's marker vote while it reads the words
 * (normalize.ts `markerVote`) and the model scores the same tokens. `lang` and `confidence` are
 * exactly `detectLanguage(text, hint)`'s; `sentiment` is exactly `scoreBuiltin`'s when
 * `builtinScores(lang)` says the built-in model scores posts in that language, else undefined (the
 * caller sends the post to another engine).
 */
function detectAndScore(
  model: LinearModel,
  text: string,
  hint: string | undefined,
  scoredAt: string,
  builtinScores: (lang: string) => boolean,
): { lang: string; confidence: number; sentiment: Sentiment | undefined } {
  const tokens = tokensOf(text);
  const vote = takenVote();
  // Language ID's own scan (rewritten text, rare constructs) leaves the tokenizer's buffers alone.
  const { lang, confidence } =
    vote !== undefined ? fromVote(vote, hint) : detectLanguage(text, hint);
  if (!builtinScores(lang)) return { lang, confidence, sentiment: undefined };
  const sentiment = unreadable(text)
    ? unreadableSentiment(model, scoredAt)
    : sentimentOf(model, model.predictTokenized(tokens), tokens, scoredAt);
  return { lang, confidence, sentiment };
}

const scoresEverything = (): boolean => true;

/**
 * `langDetected`: the caller (the router) has already run language ID and passes its result as
 * `lang`, so it is not run twice.
 */
function createBuiltinAnalyzer(opts: { langDetected?: boolean } = {}): SentimentAnalyzer {
  const model = loadBuiltinModel();
  return {
    async analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]> {
      const scoredAt = new Date().toISOString();
      return inputs.map((input) => {
        if (opts.langDetected && input.lang) {
          return {
            id: input.id,
            lang: input.lang,
            sentiment: scoreBuiltin(model, input.text, scoredAt),
          };
        }
        // Language ID from the scoring scan: the same language and score as the two calls.
        const r = detectAndScore(model, input.text, input.lang, scoredAt, scoresEverything);
        return { id: input.id, lang: r.lang, sentiment: r.sentiment as Sentiment };
      });
    },
  };
}

export {
  BUILTIN_MODEL_VERSION,
  createBuiltinAnalyzer,
  detectAndScore,
  loadBuiltinModel,
  scoreBuiltin,
};
