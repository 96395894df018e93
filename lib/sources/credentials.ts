/**
 * Source credentials (X bearer token, YouTube API key, Bluesky app password, Mastodon instances).
 *
 * Locally they come from the environment or a git-ignored `.env` file; in AWS from SSM Parameter
 * Store (SecureString, one parameter per value under `SOURCE_PARAMETER_PREFIX`, e.g.
 * `/pantau/prod/sources/x/bearer-token`) or from one Secrets Manager JSON secret
 * (`SOURCE_SECRET_ID`, keys named like the env vars). Values are cached for `maxAgeSeconds` so a
 * warm Lambda does not call SSM on every run, yet picks up a rotated secret within minutes.
 * Nothing here logs, and error messages name the variable, never its value.
 */
import { readFileSync } from 'node:fs';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigError, SourceAuthError } from '../domain/errors.ts';
import type { SourceName } from '../domain/types.ts';

/** The credential names, as env vars; each maps to one SSM parameter below the prefix. */
export const CREDENTIAL_PARAMETERS = {
  X_BEARER_TOKEN: 'x/bearer-token',
  YOUTUBE_API_KEY: 'youtube/api-key',
  BLUESKY_HANDLE: 'bluesky/handle',
  BLUESKY_APP_PASSWORD: 'bluesky/app-password',
  BLUESKY_PDS: 'bluesky/pds',
  MASTODON_INSTANCES: 'mastodon/instances',
  MASTODON_TOKENS: 'mastodon/tokens',
} as const;

export type CredentialName = keyof typeof CREDENTIAL_PARAMETERS;

export interface CredentialStore {
  /** The value, or undefined when it is not configured. */
  get(name: CredentialName): Promise<string | undefined>;
  /** Drops cached values, e.g. after a source answered 401, so the next read fetches again. */
  invalidate(): void;
}

type Env = Record<string, string | undefined>;

/**
 * Parses a dotenv file: `KEY=value`, optional `export `, `#` comments, single or double quotes
 * (double quotes understand \n). Deliberately small: no variable expansion.
 */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1] as string;
    let value = (match[2] as string).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      const hash = value.search(/\s#/);
      if (hash >= 0) value = value.slice(0, hash).trimEnd();
    }
    out[key] = value;
  }
  return out;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Fixed values, for tests and for callers that already hold the credentials. */
export function createStaticCredentialStore(
  values: Partial<Record<CredentialName, string>>,
): CredentialStore {
  return {
    get: async (name) => nonEmpty(values[name]),
    invalidate() {},
  };
}

/**
 * The process environment first, then the `.env` file (read once; a missing file is fine, an
 * unreadable one is a ConfigError).
 */
export function createEnvCredentialStore(
  opts: { env?: Env; envFile?: string | false } = {},
): CredentialStore {
  const env = opts.env ?? process.env;
  const envFile = opts.envFile ?? '.env';
  let fileValues: Record<string, string> | undefined;
  function fromFile(): Record<string, string> {
    if (fileValues) return fileValues;
    if (envFile === false) {
      fileValues = {};
      return fileValues;
    }
    try {
      fileValues = parseDotEnv(readFileSync(envFile, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new ConfigError(
          `Cannot read credentials file ${envFile}: ${(error as Error).message}`,
        );
      }
      fileValues = {};
    }
    return fileValues;
  }
  return {
    get: async (name) => nonEmpty(env[name]) ?? nonEmpty(fromFile()[name]),
    invalidate() {
      fileValues = undefined;
    },
  };
}

/**
 * SSM Parameter Store: one GetParametersByPath (with decryption) below the prefix per cache
 * period, through Powertools' provider. A missing parameter reads as undefined.
 */
export function createSsmCredentialStore(opts: {
  prefix: string;
  client?: SSMClient;
  maxAgeSeconds?: number;
}): CredentialStore {
  const prefix = opts.prefix.replace(/\/+$/, '');
  if (!prefix.startsWith('/')) {
    throw new ConfigError(`SOURCE_PARAMETER_PREFIX must start with '/', got '${opts.prefix}'`);
  }
  const provider = new SSMProvider(opts.client ? { awsSdkV3Client: opts.client } : {});
  const maxAge = opts.maxAgeSeconds ?? 300;
  let forceFetch = false;
  return {
    async get(name) {
      const values = await provider.getMultiple(prefix, {
        decrypt: true,
        recursive: true,
        maxAge,
        forceFetch,
      });
      forceFetch = false;
      const value = values?.[CREDENTIAL_PARAMETERS[name]];
      return typeof value === 'string' ? nonEmpty(value) : undefined;
    },
    invalidate() {
      forceFetch = true;
    },
  };
}

/** One Secrets Manager secret holding a JSON object keyed by credential name. */
export function createSecretsCredentialStore(opts: {
  secretId: string;
  client?: SecretsManagerClient;
  maxAgeSeconds?: number;
}): CredentialStore {
  const provider = new SecretsProvider(opts.client ? { awsSdkV3Client: opts.client } : {});
  const maxAge = opts.maxAgeSeconds ?? 300;
  let forceFetch = false;
  return {
    async get(name) {
      const raw = await provider.get(opts.secretId, { maxAge, forceFetch });
      forceFetch = false;
      if (typeof raw !== 'string') return undefined;
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // No cause: JSON.parse messages quote the text, which here is the secret.
        throw new ConfigError(`Secret ${opts.secretId} is not a JSON object of credentials`);
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new ConfigError(`Secret ${opts.secretId} is not a JSON object of credentials`);
      }
      const value = (parsed as Record<string, unknown>)[name];
      return typeof value === 'string' ? nonEmpty(value) : undefined;
    },
    invalidate() {
      forceFetch = true;
    },
  };
}

/**
 * Picks the store from the environment: `SOURCE_SECRET_ID` (Secrets Manager), else
 * `SOURCE_PARAMETER_PREFIX` (SSM), else env vars and `.env`.
 */
export function createCredentialStore(
  opts: { env?: Env; ssm?: SSMClient; secrets?: SecretsManagerClient; envFile?: string } = {},
): CredentialStore {
  const env = opts.env ?? process.env;
  const secretId = nonEmpty(env.SOURCE_SECRET_ID);
  if (secretId) return createSecretsCredentialStore({ secretId, client: opts.secrets });
  const prefix = nonEmpty(env.SOURCE_PARAMETER_PREFIX);
  if (prefix) return createSsmCredentialStore({ prefix, client: opts.ssm });
  return createEnvCredentialStore({ env, envFile: opts.envFile });
}

/** A credential a source cannot work without: its absence is an auth failure of that source. */
export async function requireCredential(
  store: CredentialStore,
  name: CredentialName,
  source: SourceName,
): Promise<string> {
  const value = await store.get(name);
  if (value === undefined) {
    throw new SourceAuthError(source, `${name} is not configured for ${source}`);
  }
  return value;
}
