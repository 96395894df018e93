import { describe, expect, it } from 'vitest';
import { actorName } from '../../../web/src/format.ts';

describe('actorName', () => {
  it('shows a signed-in official by username and any other actor as the API names it', () => {
    expect(actorName('user:budi.santoso')).toBe('budi.santoso');
    expect(actorName('cognito:4f1c2a')).toBe('cognito:4f1c2a');
    expect(actorName('token:tok_9')).toBe('token:tok_9');
    expect(actorName(undefined)).toBe('?');
  });
});
