/**
 * `pantau sentiment [--region R] [--comprehend] [--lang CODE]`: scores stdin, one post per line,
 * to stdout as JSON lines. The same router and model the score Lambda uses.
 */
import { ValidationError } from '../../domain/errors.ts';
import { getBoolean, getOptionalString } from '../../runtime/env.ts';
import { createSentimentAnalyzer, normalizeLang } from '../../sentiment/index.ts';
import { scoreLines } from '../../sentiment/stream.ts';

const summary = 'Score sentiment of stdin lines (one post a line) as JSON lines';

const USAGE = `Usage: pantau sentiment [--region REGION] [--comprehend] [--lang CODE] < posts.txt
  Reads UTF-8 text, one post per line; writes one JSON object per line:
  {"label":"POSITIVE|NEGATIVE|NEUTRAL|MIXED","scores":{...},"lang":"id","engine":"builtin","model":"..."}
  --region      deployment region (default $AWS_REGION or ap-southeast-3)
  --comprehend  use Amazon Comprehend for the languages it supports (default $SENTIMENT_COMPREHEND_ENABLED)
  --lang CODE   source language tag for every line (e.g. 'in' from X)`;

async function run(argv: string[]): Promise<number> {
  let region = getOptionalString('AWS_REGION') ?? 'ap-southeast-3';
  let comprehendEnabled = getBoolean('SENTIMENT_COMPREHEND_ENABLED', false);
  let lang: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      return 0;
    } else if (a === '--region') {
      const v = argv[++i];
      if (!v) throw new ValidationError('--region needs a value');
      region = v;
    } else if (a === '--comprehend') {
      comprehendEnabled = true;
    } else if (a === '--lang') {
      const v = argv[++i];
      if (!v) throw new ValidationError('--lang needs a value');
      lang = normalizeLang(v);
    } else {
      console.error(`pantau sentiment: unknown option '${a}'\n\n${USAGE}`);
      return 2;
    }
  }
  const analyzer = createSentimentAnalyzer({ region, comprehendEnabled });
  await scoreLines(process.stdin, process.stdout, { analyzer, lang });
  return 0;
}

export { run, summary };
