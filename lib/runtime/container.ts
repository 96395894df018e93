/**
 * Builds what every handler shares, once per process (Lambda cold start, or the local runtime):
 * configuration, the DynamoDB client and the repositories. Handlers add what only they need (the
 * sentiment model, the SNS publisher) themselves, so the API bundle never carries the model.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Repositories } from '../domain/ports.ts';
import { createDocumentClient, LOCAL_CREDENTIALS } from '../storage/clients.ts';
import { createRepositories } from '../storage/repositories.ts';
import { loadConfig, type RuntimeConfig } from './config.ts';
import type { Env } from './env.ts';
import { createLog, type Log } from './log.ts';
import { traceAwsClient } from './tracing.ts';

export interface Container {
  config: RuntimeConfig;
  doc: DynamoDBDocumentClient;
  repos: Repositories;
  log: Log;
}

async function resolveCursorSecret(config: RuntimeConfig): Promise<string | undefined> {
  if (config.cursorSecret) return config.cursorSecret;
  if (!config.cursorSecretArn) return undefined;
  // Loaded lazily so functions without the secret never pull in the Secrets Manager client.
  const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
  const value = await getSecret(config.cursorSecretArn, { maxAge: 3600 });
  return typeof value === 'string' ? value : undefined;
}

async function buildContainer(env: Env, scope: string): Promise<Container> {
  const config = loadConfig(env);
  // Traced in Lambda only; the document client shares its base client's middleware stack.
  const doc = traceAwsClient(
    createDocumentClient({
      region: config.region,
      ...(config.dynamoEndpoint
        ? { endpoint: config.dynamoEndpoint, credentials: LOCAL_CREDENTIALS }
        : {}),
    }),
  );
  const cursorSecret = await resolveCursorSecret(config);
  const repos = createRepositories({
    doc,
    tableName: config.tableName,
    mentionRetentionDays: config.mentionRetentionDays,
    cursorSecret,
  });
  return { config, doc, repos, log: createLog(scope) };
}

const cache = new Map<string, Promise<Container>>();

/** One container per scope and process; a failed build is not cached, so the next call retries. */
function loadContainer(scope = 'pantau', env: Env = process.env): Promise<Container> {
  let pending = cache.get(scope);
  if (!pending) {
    pending = buildContainer(env, scope);
    cache.set(scope, pending);
    pending.catch(() => cache.delete(scope));
  }
  return pending;
}

export { buildContainer, loadContainer };
