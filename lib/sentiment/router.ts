/**
 * Engine routing. The built-in model scores Indonesian, its neighbours (ms, jv, su) and anything
 * unidentified; Comprehend scores the languages it supports when the deployment enables it and
 * its region offers it; without Comprehend, English goes to the AFINN lexicon. Every output
 * carries the engine and model version that produced it.
 */
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { PantauError } from '../domain/errors.ts';
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import { createBuiltinAnalyzer, detectAndScore, loadBuiltinModel } from './builtin.ts';
import {
  COMPREHEND_SENTIMENT_LANGS,
  comprehendAvailableIn,
  createComprehendAnalyzer,
} from './comprehend.ts';
import { BUILTIN_LANGS } from './language.ts';
import { createLexiconEnAnalyzer } from './lexicon-en.ts';

interface SentimentEngineConfig {
  region: string;
  comprehendEnabled: boolean;
  /** Injected client; one is built for `region` when Comprehend is in use and none is given. */
  comprehendClient?: ComprehendClient;
}

type Engine = 'builtin' | 'comprehend' | 'lexicon-en';

/** Which engine a post in `lang` goes to under this configuration. */
function engineFor(lang: string, comprehendOn: boolean): Engine {
  if (BUILTIN_LANGS.has(lang)) return 'builtin';
  if (comprehendOn && COMPREHEND_SENTIMENT_LANGS.has(lang)) return 'comprehend';
  if (lang === 'en') return 'lexicon-en';
  return 'builtin';
}

function createSentimentAnalyzer(config: SentimentEngineConfig): SentimentAnalyzer {
  const builtin = createBuiltinAnalyzer({ langDetected: true });
  const lexiconEn = createLexiconEnAnalyzer();
  const comprehendOn = config.comprehendEnabled && comprehendAvailableIn(config.region);
  const comprehend = comprehendOn
    ? createComprehendAnalyzer({
        client: config.comprehendClient ?? new ComprehendClient({ region: config.region }),
        fallback: (inputs) => builtin.analyze(inputs),
      })
    : undefined;

  const model = loadBuiltinModel();
  const builtinScores = (lang: string) => engineFor(lang, comprehendOn) === 'builtin';

  async function analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]> {
    const scoredAt = new Date().toISOString();
    const outputs: (SentimentOutput | undefined)[] = new Array(inputs.length);
    const others: Record<'comprehend' | 'lexicon-en', (SentimentInput & { lang: string })[]> = {
      comprehend: [],
      'lexicon-en': [],
    };
    let otherCount = 0;
    for (let k = 0; k < inputs.length; k++) {
      const input = inputs[k] as SentimentInput;
      // Most posts are for the built-in model: language ID and its score come from one scan.
      const { lang, sentiment } = detectAndScore(
        model,
        input.text,
        input.lang,
        scoredAt,
        builtinScores,
      );
      if (sentiment !== undefined) {
        outputs[k] = { id: input.id, lang, sentiment };
      } else {
        others[engineFor(lang, comprehendOn) as 'comprehend' | 'lexicon-en'].push({
          ...input,
          lang,
        });
        otherCount++;
      }
    }
    if (otherCount > 0) {
      const results = await Promise.all([
        others['lexicon-en'].length ? lexiconEn.analyze(others['lexicon-en']) : [],
        comprehend && others.comprehend.length ? comprehend.analyze(others.comprehend) : [],
      ]);
      const byId = new Map<string, SentimentOutput>();
      for (const list of results) for (const o of list) byId.set(o.id, o);
      for (let k = 0; k < inputs.length; k++) {
        if (outputs[k] !== undefined) continue;
        const id = (inputs[k] as SentimentInput).id;
        outputs[k] = byId.get(id);
        if (outputs[k] === undefined) {
          // An engine that drops an input is a bug, not bad input: the batch fails and is
          // retried, then parked, instead of storing a mention without a score.
          throw new PantauError('engine_incomplete', `No sentiment result for input ${id}`);
        }
      }
    }
    // Input order: callers match by id, but it costs nothing and makes the CLI's output line up.
    return outputs as SentimentOutput[];
  }

  return { analyze };
}

export type { Engine, SentimentEngineConfig };
export { createSentimentAnalyzer, engineFor };
