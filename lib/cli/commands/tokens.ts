/**
 * `pantau tokens create|list|revoke`: local API tokens. The secret is printed once, on stdout,
 * and only its SHA-256 is stored.
 */
import { parseArgs } from 'node:util';
import { issueLocalToken } from '../../api/auth.ts';
import { ValidationError } from '../../domain/errors.ts';
import type { Repositories } from '../../domain/ports.ts';
import { consoleIo, type Io, runWithLocalStore } from '../local-store-command.ts';

const summary = 'Create, list and revoke API tokens of a tenant in the local store';

const USAGE = `Usage:
  pantau tokens create --tenant ID --scopes pantau/read[,pantau/write,pantau/admin]
                       [--name NAME] [--expires ISO-8601]
  pantau tokens list --tenant ID [--json]
  pantau tokens revoke --tenant ID --id TOKEN_ID
'create' prints the token once on stdout; store it now: it cannot be shown again.
Scopes: pantau/read (GET), pantau/write (changes; implies read), pantau/admin (tokens, audit,
and for the 'platform' tenant: tenants; implies write).`;

async function tokensCommand(
  argv: string[],
  repos: Pick<Repositories, 'tenants'>,
  io: Io = consoleIo,
  now: () => Date = () => new Date(),
): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      tenant: { type: 'string' },
      scopes: { type: 'string' },
      name: { type: 'string' },
      expires: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.tenant) throw new ValidationError(`${sub ?? 'tokens'} needs --tenant`);
  const tenant = await repos.tenants.get(values.tenant);
  if (!tenant) {
    io.err(`pantau tokens: no tenant '${values.tenant}' (create it with 'pantau tenants create')`);
    return 1;
  }
  if (sub === 'create') {
    if (!values.scopes) throw new ValidationError('create needs --scopes');
    const scopes = values.scopes
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const { token, id, record } = await issueLocalToken(repos.tenants, {
      tenantId: tenant.id,
      scopes,
      name: values.name,
      expiresAt: values.expires,
      now: now(),
    });
    io.out(token);
    io.err(
      `Token ${id} for ${tenant.id} (${record.scopes.join(', ')}${record.expiresAt ? `, expires ${record.expiresAt}` : ''}). ` +
        'This is the only time it is shown.',
    );
    return 0;
  }
  if (sub === 'list') {
    const tokens = (await repos.tenants.listTokens(tenant.id)).sort((a, b) =>
      a.createdAt < b.createdAt ? -1 : 1,
    );
    for (const t of tokens) {
      const state = t.revokedAt
        ? `revoked ${t.revokedAt}`
        : t.expiresAt && Date.parse(t.expiresAt) <= now().getTime()
          ? `expired ${t.expiresAt}`
          : 'active';
      if (values.json) {
        const { hash: _hash, ...visible } = t;
        io.out(JSON.stringify({ ...visible, state }));
      } else {
        io.out(`${t.id.padEnd(18)} ${state.padEnd(34)} ${t.scopes.join(',').padEnd(40)} ${t.name}`);
      }
    }
    return 0;
  }
  if (sub === 'revoke') {
    if (!values.id) throw new ValidationError('revoke needs --id');
    const done = await repos.tenants.revokeToken(tenant.id, values.id, now().toISOString());
    if (!done) {
      io.err(`pantau tokens: no token '${values.id}' in tenant '${tenant.id}'`);
      return 1;
    }
    io.err(`Revoked ${values.id}`);
    return 0;
  }
  throw new ValidationError(sub ? `unknown subcommand '${sub}'` : 'missing subcommand');
}

function run(argv: string[]): Promise<number> {
  return runWithLocalStore('tokens', USAGE, argv, (args, repos) => tokensCommand(args, repos));
}

export { run, summary, tokensCommand };
