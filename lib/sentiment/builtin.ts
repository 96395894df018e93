/**
 * The built-in analyzer: the shipped model, loaded once per process.
 *
 * The artifact is a JSON import, so esbuild inlines it into the Lambda bundle and tsx/vitest read
 * it through Node's JSON modules: no file is read relative to the source at runtime.
 */
import artifactJson from '../../models/sentiment-id.json' with { type: 'json' };
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import type { Sentiment, SentimentScores } from '../domain/types.ts';
import { detectLanguage } from './language.ts';
import { fromArtifact, type LinearModel, type ModelArtifact } from './model.ts';

const artifact = artifactJson as unknown as ModelArtifact;

/** Version of the shipped model, stored with every built-in score. */
const BUILTIN_MODEL_VERSION: string = artifact.manifest.version;

let cached: LinearModel | undefined;

function loadBuiltinModel(): LinearModel {
  cached ??= fromArtifact(artifact);
  return cached;
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

/**
 * Scores one text with the built-in model. The model has three classes and never emits MIXED;
 * `scores.MIXED` is always 0 so every engine returns the same four keys.
 */
function scoreBuiltin(model: LinearModel, text: string, scoredAt: string): Sentiment {
  if (!/[\p{L}\p{N}\p{Extended_Pictographic}]/u.test(text)) {
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
  let label: Sentiment['label'] = 'NEUTRAL';
  if (scores.NEGATIVE > scores.NEUTRAL && scores.NEGATIVE >= scores.POSITIVE) label = 'NEGATIVE';
  else if (scores.POSITIVE > scores.NEUTRAL && scores.POSITIVE > scores.NEGATIVE)
    label = 'POSITIVE';
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
