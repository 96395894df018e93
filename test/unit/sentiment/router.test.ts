import { BatchDetectSentimentCommand, ComprehendClient } from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadBuiltinModel, scoreBuiltin } from '../../../lib/sentiment/builtin.ts';
import {
  BUILTIN_MODEL_VERSION,
  comprehendAvailableIn,
  createSentimentAnalyzer,
  engineFor,
} from '../../../lib/sentiment/index.ts';
import { detectLanguage } from '../../../lib/sentiment/language.ts';

const comprehendMock = mockClient(ComprehendClient);

const inputs = [
  {
    id: 'id1',
    text: 'pelayanan kelurahan lambat banget, udah 3 jam antri gak dipanggil',
    lang: 'in',
  },
  { id: 'en1', text: 'The new bus line is great and the drivers are very friendly', lang: 'en' },
  { id: 'jv1', text: 'dalan e rusak ora didandani wis pirang2 sasi', lang: undefined },
  { id: 'de1', text: 'gut', lang: 'de' },
];

function engines(out: { id: string; sentiment: { engine: string } }[]) {
  return Object.fromEntries(out.map((o) => [o.id, o.sentiment.engine]));
}

describe('comprehendAvailableIn', () => {
  it('knows Jakarta has no Comprehend and Singapore has', () => {
    expect(comprehendAvailableIn('ap-southeast-3')).toBe(false);
    expect(comprehendAvailableIn('ap-southeast-1')).toBe(true);
    expect(comprehendAvailableIn('us-east-1')).toBe(true);
    expect(comprehendAvailableIn('eu-south-1')).toBe(false);
  });
});

describe('engineFor', () => {
  it('sends Indonesian and its neighbours to the built-in model whatever the config', () => {
    for (const lang of ['id', 'ms', 'jv', 'su', 'und']) {
      expect(engineFor(lang, true)).toBe('builtin');
      expect(engineFor(lang, false)).toBe('builtin');
    }
  });

  it('sends English to Comprehend when on, else to the English lexicon', () => {
    expect(engineFor('en', true)).toBe('comprehend');
    expect(engineFor('en', false)).toBe('lexicon-en');
  });

  it('uses the built-in model for languages no other engine handles', () => {
    expect(engineFor('th', true)).toBe('builtin');
    expect(engineFor('de', false)).toBe('builtin');
  });
});

describe('createSentimentAnalyzer', () => {
  beforeEach(() => {
    comprehendMock.reset();
    comprehendMock.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
      ResultList: input.TextList.map((_, Index) => ({
        Index,
        Sentiment: 'POSITIVE',
        SentimentScore: { Positive: 0.8, Negative: 0.1, Neutral: 0.05, Mixed: 0.05 },
      })),
      ErrorList: [],
    }));
  });

  it('in Jakarta never calls Comprehend, even when enabled', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'ap-southeast-3',
      comprehendEnabled: true,
      comprehendClient: new ComprehendClient({ region: 'ap-southeast-3' }),
    });
    const out = await analyzer.analyze(inputs);
    expect(engines(out)).toEqual({
      id1: 'builtin',
      en1: 'lexicon-en',
      jv1: 'builtin',
      de1: 'builtin',
    });
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(0);
  });

  it('where Comprehend exists and is enabled, uses it for English and German only', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'ap-southeast-1',
      comprehendEnabled: true,
      comprehendClient: new ComprehendClient({ region: 'ap-southeast-1' }),
    });
    const out = await analyzer.analyze(inputs);
    expect(engines(out)).toEqual({
      id1: 'builtin',
      en1: 'comprehend',
      jv1: 'builtin',
      de1: 'comprehend',
    });
    const langs = comprehendMock
      .commandCalls(BatchDetectSentimentCommand)
      .map((c) => c.args[0].input.LanguageCode);
    expect(langs.sort()).toEqual(['de', 'en']);
  });

  it('where Comprehend exists but is disabled, does not call it', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'us-east-1',
      comprehendEnabled: false,
      comprehendClient: new ComprehendClient({ region: 'us-east-1' }),
    });
    const out = await analyzer.analyze(inputs);
    expect(engines(out)).toEqual({
      id1: 'builtin',
      en1: 'lexicon-en',
      jv1: 'builtin',
      de1: 'builtin',
    });
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(0);
  });

  it('returns results in input order, with language, engine, model version and time', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'ap-southeast-3',
      comprehendEnabled: false,
    });
    const before = Date.now();
    const out = await analyzer.analyze(inputs);
    expect(out.map((o) => o.id)).toEqual(['id1', 'en1', 'jv1', 'de1']);
    expect(out.map((o) => o.lang)).toEqual(['id', 'en', 'jv', 'de']);
    const id1 = out[0]?.sentiment;
    expect(id1?.model).toBe(BUILTIN_MODEL_VERSION);
    expect(id1?.label).toBe('NEGATIVE');
    expect(Date.parse(id1?.scoredAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(out[1]?.sentiment.model).toMatch(/^sentiment@\d+\.\d+\.\d+$/);
    expect(out[1]?.sentiment.label).toBe('POSITIVE');
    for (const o of out) {
      const sum = Object.values(o.sentiment.scores).reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(1, 2);
    }
  });

  it('scores every built-in post as language ID then scoreBuiltin would, in one scan', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'ap-southeast-3',
      comprehendEnabled: false,
    });
    const texts = [
      'harga beras naik terus, rakyat makin susah 😡 #HargaNaik',
      'Alhamdulillah bansos sdh cair, terima kasih pak :)',
      'baca www.kompas.com/harga-naik-lagi, gak masuk akal',
      'lihathttps://t.co/x jalan rusak parah',
      'warga@desa.id kecewa banget',
      'Mboten wonten dhuwit, rego larang',
      'hatur nuhun pisan, jalan na tos alus',
      'The service is very good, thank you',
      '!!!',
      '',
    ];
    const batch = texts.flatMap((text, k) =>
      [undefined, 'in', 'en'].map((lang, h) => ({ id: `p${k}-${h}`, text, lang })),
    );
    const out = await analyzer.analyze(batch);
    expect(out.map((o) => o.id)).toEqual(batch.map((b) => b.id));
    const model = loadBuiltinModel();
    let builtinCount = 0;
    batch.forEach((b, k) => {
      const o = out[k];
      const lang = detectLanguage(b.text, b.lang).lang;
      expect(o?.lang).toBe(lang);
      if (o?.sentiment.engine !== 'builtin') return;
      builtinCount++;
      const expected = scoreBuiltin(model, b.text, o.sentiment.scoredAt);
      expect(o.sentiment).toEqual(expected);
    });
    // English posts went to the lexicon; everything else was scored by the built-in model.
    expect(builtinCount).toBe(out.filter((o) => o.lang !== 'en').length);
    expect(builtinCount).toBeGreaterThan(20);
  });

  it('returns nothing for an empty batch without calling any engine', async () => {
    const analyzer = createSentimentAnalyzer({
      region: 'us-east-1',
      comprehendEnabled: true,
      comprehendClient: new ComprehendClient({ region: 'us-east-1' }),
    });
    expect(await analyzer.analyze([])).toEqual([]);
    expect(comprehendMock.commandCalls(BatchDetectSentimentCommand)).toHaveLength(0);
  });
});
