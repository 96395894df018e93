import { describe, expect, it } from 'vitest';
import { createLocalTokenAuthenticator } from '../../../lib/api/auth.ts';
import { tenantsCommand } from '../../../lib/cli/commands/tenants.ts';
import { tokensCommand } from '../../../lib/cli/commands/tokens.ts';
import { createFakeRepositories } from './fakes.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('pantau tenants / tokens', () => {
  it('creates a tenant once, then mints a token that authenticates, lists and revokes it', async () => {
    const repos = createFakeRepositories();
    const c = capture();
    expect(
      await tenantsCommand(['create', '--id', 'kominfo', '--name', 'Kominfo'], repos, c.io),
    ).toBe(0);
    expect(
      await tenantsCommand(['create', '--id', 'kominfo', '--name', 'Again'], repos, c.io),
    ).toBe(1);
    expect(c.err[0]).toMatch(/already exists/);

    const t = capture();
    expect(
      await tokensCommand(
        [
          'create',
          '--tenant',
          'kominfo',
          '--scopes',
          'pantau/read,pantau/write',
          '--name',
          'dashboard',
        ],
        repos,
        t.io,
      ),
    ).toBe(0);
    const token = t.out[0] as string;
    expect(token).toMatch(/^pt_/);
    expect(t.out).toHaveLength(1);
    const auth = createLocalTokenAuthenticator(repos.tenants);
    const principal = await auth.authenticate(`Bearer ${token}`);
    expect(principal.scopes).toEqual(['pantau/read', 'pantau/write']);

    const l = capture();
    await tokensCommand(['list', '--tenant', 'kominfo', '--json'], repos, l.io);
    const listed = l.out.map((x) => JSON.parse(x));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: 'dashboard', state: 'active' });
    expect(l.out.join('\n')).not.toMatch(/hash|pt_/);

    const id = principal.clientId.replace('token:', '');
    expect(
      await tokensCommand(['revoke', '--tenant', 'kominfo', '--id', id], repos, capture().io),
    ).toBe(0);
    await expect(auth.authenticate(`Bearer ${token}`)).rejects.toThrow(/revoked/);
  });

  it('refuses bad input with a clear error and writes nothing', async () => {
    const repos = createFakeRepositories();
    await expect(tenantsCommand(['create', '--id', 'a b', '--name', 'x'], repos)).rejects.toThrow(
      /--id/,
    );
    await expect(tenantsCommand(['create', '--id', 'ok'], repos)).rejects.toThrow(/--name/);
    await expect(tenantsCommand(['create', '--bogus'], repos)).rejects.toThrow();
    expect(await repos.tenants.list()).toEqual([]);
    const c = capture();
    expect(
      await tokensCommand(['create', '--tenant', 'ghost', '--scopes', 'pantau/read'], repos, c.io),
    ).toBe(1);
    await repos.tenants.put({ id: 'kominfo', name: 'K', createdAt: new Date().toISOString() });
    await expect(
      tokensCommand(['create', '--tenant', 'kominfo', '--scopes', 'pantau/root'], repos, c.io),
    ).rejects.toThrow(/Scopes must be among/);
    expect(await repos.tenants.listTokens('kominfo')).toEqual([]);
  });
});
