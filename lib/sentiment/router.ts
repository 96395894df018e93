/**
 * Engine routing. The built-in model scores Indonesian, its neighbours (ms, jv, su) and anything
 * unidentified; Comprehend scores the languages it supports when the deployment enables it and
 * its region offers it; without Comprehend, English goes to the AFINN lexicon. Every output
 * carries the engine and model version that produced it.
 */
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import type { SentimentAnalyzer, SentimentInput, SentimentOutput } from '../domain/ports.ts';
import { createBuiltinAnalyzer } from './builtin.ts';
import {
  COMPREHEND_SENTIMENT_LANGS,
  comprehendAvailableIn,
  createComprehendAnalyzer,
} from './comprehend.ts';
import { BUILTIN_LANGS, detectLanguage } from './language.ts';
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

  async function analyze(inputs: SentimentInput[]): Promise<SentimentOutput[]> {
    const groups: Record<Engine, (SentimentInput & { lang: string })[]> = {
      builtin: [],
      comprehend: [],
      'lexicon-en': [],
    };
    for (const input of inputs) {
      const lang = detectLanguage(input.text, input.lang).lang;
      groups[engineFor(lang, comprehendOn)].push({ ...input, lang });
    }
    const results = await Promise.all([
      groups.builtin.length ? builtin.analyze(groups.builtin) : [],
      groups['lexicon-en'].length ? lexiconEn.analyze(groups['lexicon-en']) : [],
      comprehend && groups.comprehend.length ? comprehend.analyze(groups.comprehend) : [],
    ]);
    const byId = new Map<string, SentimentOutput>();
    for (const list of results) for (const o of list) byId.set(o.id, o);
    // Callers match by id, but input order costs nothing and makes the CLI's output line up.
    return inputs.map((input) => {
      const out = byId.get(input.id);
      if (!out) throw new Error(`No sentiment result for input ${input.id}`);
      return out;
    });
  }

  return { analyze };
}

export type { Engine, SentimentEngineConfig };
export { createSentimentAnalyzer, engineFor };
