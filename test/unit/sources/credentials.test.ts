import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, SourceAuthError } from '../../../lib/domain/errors.ts';
import {
  createCredentialStore,
  createEnvCredentialStore,
  createSecretsCredentialStore,
  createSsmCredentialStore,
  createStaticCredentialStore,
  parseDotEnv,
  requireCredential,
} from '../../../lib/sources/credentials.ts';

/**
 * A loopback endpoint speaking the AWS JSON 1.1 protocol of SSM GetParametersByPath and Secrets
 * Manager GetSecretValue, so the real SDK clients and Powertools providers run unchanged.
 */
interface Call {
  target: string;
  body: Record<string, unknown>;
}
const calls: Call[] = [];
let parameters: { Name: string; Value: string }[] = [];
let secretString = '';
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let raw = '';
  req.on('data', (c) => {
    raw += c;
  });
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    calls.push({ target, body });
    res.setHeader('content-type', 'application/x-amz-json-1.1');
    if (target === 'AmazonSSM.GetParametersByPath') {
      const path = String(body.Path);
      const below = parameters.filter((p) => p.Name.startsWith(`${path}/`));
      // Two pages, to exercise NextToken.
      const start = body.NextToken ? 1 : 0;
      const page = body.NextToken ? below.slice(1) : below.slice(0, 1);
      res.end(
        JSON.stringify({
          Parameters: page.map((p) => ({
            ...p,
            Type: 'SecureString',
            Version: 1,
            ARN: `arn:aws:ssm:ap-southeast-3:123456789012:parameter${p.Name}`,
          })),
          ...(start === 0 && below.length > 1 ? { NextToken: 'page2' } : {}),
        }),
      );
      return;
    }
    if (target === 'secretsmanager.GetSecretValue') {
      res.end(
        JSON.stringify({
          ARN: 'arn:aws:secretsmanager:ap-southeast-3:123456789012:secret:pantau/sources-AbCdEf',
          Name: body.SecretId,
          VersionId: 'v1',
          SecretString: secretString,
          VersionStages: ['AWSCURRENT'],
          CreatedDate: 1773108000,
        }),
      );
      return;
    }
    res.statusCode = 400;
    res.end(JSON.stringify({ __type: 'UnknownOperationException' }));
  });
});
let endpoint = '';
const awsCreds = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  calls.length = 0;
});

function ssm() {
  return new SSMClient({ endpoint, region: 'ap-southeast-3', credentials: awsCreds });
}

describe('createSsmCredentialStore', () => {
  it('reads every parameter below the prefix with decryption, once per cache period', async () => {
    parameters = [
      { Name: '/pantau/test/sources/x/bearer-token', Value: 'AAAAbearer' },
      { Name: '/pantau/test/sources/bluesky/app-password', Value: 'abcd-efgh' },
      { Name: '/pantau/other/sources/x/bearer-token', Value: 'not-this-one' },
    ];
    const store = createSsmCredentialStore({ prefix: '/pantau/test/sources/', client: ssm() });
    expect(await store.get('X_BEARER_TOKEN')).toBe('AAAAbearer');
    expect(await store.get('BLUESKY_APP_PASSWORD')).toBe('abcd-efgh');
    expect(await store.get('YOUTUBE_API_KEY')).toBeUndefined();
    expect(calls.map((c) => c.target)).toEqual([
      'AmazonSSM.GetParametersByPath',
      'AmazonSSM.GetParametersByPath',
    ]);
    expect(calls[0]?.body).toMatchObject({
      Path: '/pantau/test/sources',
      WithDecryption: true,
      Recursive: true,
    });
  });

  it('fetches again after invalidate (e.g. after a 401)', async () => {
    parameters = [{ Name: '/pantau/test/sources/x/bearer-token', Value: 'old' }];
    const store = createSsmCredentialStore({ prefix: '/pantau/test/sources', client: ssm() });
    expect(await store.get('X_BEARER_TOKEN')).toBe('old');
    parameters = [{ Name: '/pantau/test/sources/x/bearer-token', Value: 'rotated' }];
    expect(await store.get('X_BEARER_TOKEN')).toBe('old');
    store.invalidate();
    expect(await store.get('X_BEARER_TOKEN')).toBe('rotated');
  });

  it('rejects a relative prefix', () => {
    expect(() => createSsmCredentialStore({ prefix: 'pantau/x', client: ssm() })).toThrow(
      ConfigError,
    );
  });
});

describe('createSecretsCredentialStore', () => {
  function secrets() {
    return new SecretsManagerClient({ endpoint, region: 'ap-southeast-3', credentials: awsCreds });
  }

  it('reads credentials from one JSON secret', async () => {
    secretString = JSON.stringify({ YOUTUBE_API_KEY: 'AIzaTest', MASTODON_INSTANCES: 'a.b,c.d' });
    const store = createSecretsCredentialStore({ secretId: 'pantau/sources', client: secrets() });
    expect(await store.get('YOUTUBE_API_KEY')).toBe('AIzaTest');
    expect(await store.get('MASTODON_INSTANCES')).toBe('a.b,c.d');
    expect(await store.get('X_BEARER_TOKEN')).toBeUndefined();
    expect(calls.filter((c) => c.target === 'secretsmanager.GetSecretValue')).toHaveLength(1);
    expect(calls[0]?.body).toMatchObject({ SecretId: 'pantau/sources' });
  });

  it('refuses a secret that is not JSON without quoting it', async () => {
    secretString = 'plain-secret-value';
    const store = createSecretsCredentialStore({ secretId: 'pantau/plain', client: secrets() });
    const err = await store.get('YOUTUBE_API_KEY').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('pantau/plain');
    expect((err as Error).message).not.toContain('plain-secret-value');
  });
});

describe('createEnvCredentialStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-cred-'));
  const file = join(dir, '.env');
  writeFileSync(
    file,
    [
      '# local credentials',
      'export X_BEARER_TOKEN="from-file"',
      "YOUTUBE_API_KEY='yt-file'",
      'BLUESKY_HANDLE=pantau.bsky.social # the account',
      'MASTODON_INSTANCES=',
      'not a line',
    ].join('\n'),
  );

  it('prefers the environment, then the .env file', async () => {
    const store = createEnvCredentialStore({
      env: { X_BEARER_TOKEN: 'from-env', MASTODON_INSTANCES: '  ' },
      envFile: file,
    });
    expect(await store.get('X_BEARER_TOKEN')).toBe('from-env');
    expect(await store.get('YOUTUBE_API_KEY')).toBe('yt-file');
    expect(await store.get('BLUESKY_HANDLE')).toBe('pantau.bsky.social');
    expect(await store.get('MASTODON_INSTANCES')).toBeUndefined();
  });

  it('is fine without a .env file', async () => {
    const store = createEnvCredentialStore({ env: {}, envFile: join(dir, 'missing.env') });
    expect(await store.get('X_BEARER_TOKEN')).toBeUndefined();
  });

  it('parses dotenv lines', () => {
    expect(
      parseDotEnv('A=1\nexport B="x\\ny"\nC=\'q # not comment\'\nD=v # comment\n#E=no'),
    ).toEqual({ A: '1', B: 'x\ny', C: 'q # not comment', D: 'v' });
  });
});

describe('createCredentialStore and requireCredential', () => {
  it('chooses Secrets Manager, then SSM, then the environment', async () => {
    secretString = JSON.stringify({ X_BEARER_TOKEN: 'sm' });
    parameters = [{ Name: '/p/s/x/bearer-token', Value: 'ssm' }];
    const clients = {
      ssm: ssm(),
      secrets: new SecretsManagerClient({
        endpoint,
        region: 'ap-southeast-3',
        credentials: awsCreds,
      }),
    };
    const bySecret = createCredentialStore({
      env: { SOURCE_SECRET_ID: 'id', SOURCE_PARAMETER_PREFIX: '/p/s' },
      ...clients,
    });
    expect(await bySecret.get('X_BEARER_TOKEN')).toBe('sm');
    const bySsm = createCredentialStore({ env: { SOURCE_PARAMETER_PREFIX: '/p/s' }, ...clients });
    expect(await bySsm.get('X_BEARER_TOKEN')).toBe('ssm');
    const byEnv = createCredentialStore({
      env: { X_BEARER_TOKEN: 'env' },
      envFile: '/nonexistent/.env',
    });
    expect(await byEnv.get('X_BEARER_TOKEN')).toBe('env');
  });

  it('turns a missing credential into SourceAuthError naming the variable', async () => {
    const err = await requireCredential(
      createStaticCredentialStore({}),
      'YOUTUBE_API_KEY',
      'youtube',
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect((err as Error).message).toBe('YOUTUBE_API_KEY is not configured for youtube');
  });
});
