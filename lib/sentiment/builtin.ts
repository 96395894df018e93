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
import { detectLanguage } from './language.ts';
import { fromArtifact, type LinearModel, type ModelArtifact } from './model.ts';
import { tokenHashes } from './normalize.ts';

const artifact = artifactJson as unknown as ModelArtifact;

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

/**
 * Scores one text with the built-in model. The model has three classes and never emits MIXED;
 * `scores.MIXED` is always 0 so every engine returns the same four keys.
 */
function scoreBuiltin(model: LinearModel, text: string, scoredAt: string): Sentiment {
  if (!startsAlnum(text) && !READABLE_RE.test(text)) {
    // Nothing to read (empty, whitespace, punctuation only): the model's bias is not an opinion.
    return {
      label: 'NEUTRAL',
      scores: { NEGATIVE: 0, NEUTRAL: 1, POSITIVE: 0, MIXED: 0 },
      engine: 'builtin',
      model: model.version,
      scoredAt,
    };
  }
  const p = model.predict(text);
  const scores: SentimentScores = {
    NEGATIVE: round4(p[0] as number),
    NEUTRAL: round4(p[1] as number),
    POSITIVE: round4(p[2] as number),
    MIXED: 0,
  };
  // The label comes from the abstain rule (abstain.ts): a polar label needs a decisive
  // probability, more so for news-style posts. Scores stay the model's own probabilities, so a
  // NEUTRAL label can come with a larger POSITIVE or NEGATIVE score.
  // predict has just tokenized this text, so the tokenizer's hash buffer holds its tokens' hashes.
  const label = LABEL_BY_INDEX[
    decide(p, model.lastTokens(), ABSTAIN_RULE, tokenHashes())
  ] as Sentiment['label'];
  return { label, scores, engine: 'builtin', model: model.version, scoredAt };
}

/**
 * `langDetected`: the caller (the router) has already run language ID and passes its result as
 * `lang`, so it is not run twice.
 */
function createBuiltinAnalyzer(opts: { langDetected?: boolean } = {}): SentimentAnalyzer {
  const model = loadBuiltinModel();
  return {
    async analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]> {
      const scoredAt = new Date().toISOString();
      return inputs.map((input) => ({
        id: input.id,
        lang:
          opts.langDetected && input.lang
            ? input.lang
            : detectLanguage(input.text, input.lang).lang,
        sentiment: scoreBuiltin(model, input.text, scoredAt),
      }));
    },
  };
}

export { BUILTIN_MODEL_VERSION, createBuiltinAnalyzer, loadBuiltinModel, scoreBuiltin };
