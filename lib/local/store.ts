/**
 * Repositories over the local data directory, for CLI commands (`pantau tenants`, `tokens`,
 * `corrections export`). When `pantau start` is running it owns the database file, so the CLI
 * talks to its DynamoDB Local; otherwise it starts one on the same data for the command's length.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { Repositories } from '../domain/ports.ts';
import { createDocumentClient, LOCAL_CREDENTIALS, LOCAL_REGION } from '../storage/clients.ts';
import { createRepositories } from '../storage/repositories.ts';
import { createTableInput } from '../storage/table-definition.ts';
import { startDynamoDbLocal } from './dynamodb-local.ts';

export interface LocalStore {
  repos: Repositories;
  endpoint: string;
  close(): Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningRuntime(dataDir: string): { endpoint: string; tableName: string } | undefined {
  const file = join(dataDir, 'runtime.json');
  if (!existsSync(file)) return undefined;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as {
      pid: number;
      endpoint: string;
      tableName: string;
    };
    return isAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

async function openLocalStore(dataDirOption?: string): Promise<LocalStore> {
  const dataDir = resolve(dataDirOption ?? process.env.PANTAU_DATA_DIR ?? '.pantau');
  const secretFile = join(dataDir, 'cursor-secret');
  const cursorSecret = existsSync(secretFile) ? readFileSync(secretFile, 'utf8').trim() : undefined;
  const running = runningRuntime(dataDir);
  const engine = running
    ? { endpoint: running.endpoint, stop: async () => undefined }
    : await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
  const tableName = running?.tableName ?? 'pantau-local';
  const config = {
    endpoint: engine.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  };
  const client = new DynamoDBClient(config);
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) {
      client.destroy();
      await engine.stop();
      throw err;
    }
  }
  client.destroy();
  const doc = createDocumentClient(config);
  return {
    repos: createRepositories({ doc, tableName, cursorSecret }),
    endpoint: engine.endpoint,
    async close() {
      doc.destroy();
      await engine.stop();
    },
  };
}

export { openLocalStore };
