/**
 * `pantau tenants create --id ID --name NAME` | `pantau tenants list [--json]`: tenants of the
 * local data directory (the running `pantau start`, or a DynamoDB Local started for the command).
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../../domain/errors.ts';
import type { Repositories } from '../../domain/ports.ts';
import { consoleIo, type Io, runWithLocalStore } from '../local-store-command.ts';

const summary = 'Create and list tenants (agencies) in the local store';

const USAGE = `Usage:
  pantau tenants create --id ID --name NAME   ID: 1-64 of A-Z a-z 0-9 _ -
  pantau tenants list [--json]
The operator tenant is 'platform': its admin tokens may create tenants through the API.`;

const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

async function tenantsCommand(
  argv: string[],
  repos: Pick<Repositories, 'tenants'>,
  io: Io = consoleIo,
  now: () => Date = () => new Date(),
): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: { id: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  if (sub === 'create') {
    if (!values.id || !values.name) throw new ValidationError('create needs --id and --name');
    if (!TENANT_ID.test(values.id)) {
      throw new ValidationError(`--id '${values.id}': use 1-64 of A-Z a-z 0-9 _ -`);
    }
    if (values.name.trim() === '' || values.name.length > 200) {
      throw new ValidationError('--name must be 1-200 characters');
    }
    if (await repos.tenants.get(values.id)) {
      io.err(`pantau tenants: tenant '${values.id}' already exists`);
      return 1;
    }
    const tenant = { id: values.id, name: values.name.trim(), createdAt: now().toISOString() };
    await repos.tenants.put(tenant);
    io.out(JSON.stringify(tenant));
    return 0;
  }
  if (sub === 'list') {
    const tenants = (await repos.tenants.list()).sort((a, b) => (a.id < b.id ? -1 : 1));
    if (values.json) {
      for (const t of tenants) io.out(JSON.stringify(t));
    } else {
      io.out(`${'ID'.padEnd(24)} ${'CREATED'.padEnd(24)} NAME`);
      for (const t of tenants) io.out(`${t.id.padEnd(24)} ${t.createdAt.padEnd(24)} ${t.name}`);
    }
    return 0;
  }
  throw new ValidationError(sub ? `unknown subcommand '${sub}'` : 'missing subcommand');
}

function run(argv: string[]): Promise<number> {
  return runWithLocalStore('tenants', USAGE, argv, (args, repos) => tenantsCommand(args, repos));
}

export { run, summary, tenantsCommand };
