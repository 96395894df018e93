/** Argument parsing shared by the training and evaluation CLIs. */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../domain/errors.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** CI clones the repo next to shared/, so the data lives at ../shared/data from the repo root. */
const DEFAULT_DATA_DIR = resolve(REPO_ROOT, '../shared/data');
const DEFAULT_MODEL_PATH = join(REPO_ROOT, 'models/sentiment-id.json');
/** Pantau's authored policy-domain posts (see models/README.md). */
const POLICY_DIR = join(REPO_ROOT, 'models/policy-id');
/** Pantau's authored review-style texts (SmSA's kind of text). */
const REVIEW_DIR = join(REPO_ROOT, 'models/review-id');
/** Pantau's held-out policy-domain posts, by separate authors: reported, never tuned on. */
const POLICY_HELDOUT_DIR = join(REPO_ROOT, 'models/policy-heldout');

interface CliArgs {
  data: string;
  extra?: string;
  out: string;
  model: string;
  /** Train on Pantau's authored policy-domain set too (the shipped model does). */
  policy: boolean;
  /** Train on Pantau's authored review-style texts too (off: they cost SmSA's CV, docs/sentiment.md). */
  review: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    data: DEFAULT_DATA_DIR,
    out: DEFAULT_MODEL_PATH,
    model: DEFAULT_MODEL_PATH,
    policy: true,
    review: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const [flag, inline] = a.includes('=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
      : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new ValidationError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--data':
        args.data = resolve(value());
        break;
      case '--extra':
        args.extra = resolve(value());
        break;
      case '--out':
        args.out = resolve(value());
        break;
      case '--model':
        args.model = resolve(value());
        break;
      case '--no-policy':
        if (inline !== undefined) throw new ValidationError(`${flag} takes no value`);
        args.policy = false;
        break;
      case '--review':
        if (inline !== undefined) throw new ValidationError(`${flag} takes no value`);
        args.review = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        throw new ValidationError(`Unknown option '${a}'`);
    }
  }
  return args;
}

export type { CliArgs };
export {
  DEFAULT_DATA_DIR,
  DEFAULT_MODEL_PATH,
  POLICY_DIR,
  POLICY_HELDOUT_DIR,
  parseArgs,
  REPO_ROOT,
  REVIEW_DIR,
};
