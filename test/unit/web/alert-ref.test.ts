import { describe, expect, it } from 'vitest';
import { alertRef as serverRef } from '../../../lib/alerts/messages.ts';
import { alertRef, findByRef, refFromPath } from '../../../web/src/alert-ref.ts';

describe('alert references from SMS/email links', () => {
  it('derives the same 8-character reference as the alert messages', async () => {
    for (const id of ['ZGVtby0xCkFMRVJUIzIwMjYtMTEtMjlUMDg6NTg6NTEuMTEyWiNTSUFHQQ', 'a', 'ÿ-ü']) {
      expect(await alertRef(id)).toBe(serverRef(id));
    }
  });

  it('reads the reference from a /a/<REF> path only', () => {
    expect(refFromPath('/a/K7QX2MZP')).toBe('K7QX2MZP');
    expect(refFromPath('/a/K7QX2MZP/')).toBe('K7QX2MZP');
    expect(refFromPath('/a/k7qx2mzp')).toBeUndefined();
    expect(refFromPath('/a/K7QX2MZ0')).toBeUndefined();
    expect(refFromPath('/a/K7QX2MZPX')).toBeUndefined();
    expect(refFromPath('/')).toBeUndefined();
  });

  it('finds the alert a reference points at among the listed ones', async () => {
    const ids = ['alert-1', 'alert-2', 'alert-3'];
    expect(await findByRef(serverRef('alert-2'), ids)).toBe('alert-2');
    expect(await findByRef(serverRef('alert-9'), ids)).toBeUndefined();
  });
});
