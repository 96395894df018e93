/**
 * The Cognito pre-token-generation trigger wired by AgencyApi: the official's tenant attribute
 * becomes the access-token claim the API authenticator reads.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler, TENANT_CLAIM } from '../../functions/pre-token/handler.ts';
import { ValidationError } from '../../lib/domain/errors.ts';

/** A V2_0 hosted-UI sign-in event as Cognito sends it (shape from the Cognito developer guide). */
function signInEvent(userAttributes: Record<string, string>): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'ap-southeast-3',
    userPoolId: 'ap-southeast-3_AbCdEf123',
    userName: 'siti.rahma',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: '1example23456789' },
    request: {
      userAttributes: { sub: '9a8b7c6d', 'cognito:user_status': 'CONFIRMED', ...userAttributes },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
      scopes: ['openid', 'pantau/read', 'pantau/write'],
    },
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('pre-token trigger', () => {
  it('uses the claim name lib/api/auth.ts reads first', () => {
    expect(TENANT_CLAIM).toBe('custom:tenant_id');
  });

  it('copies custom:tenant_id into the access token only, keeping the rest of the event', async () => {
    const event = signInEvent({ 'custom:tenant_id': 'kominfo-jabar', email: 'siti@example.id' });
    const result = await handler(event);
    expect(result.response).toEqual({
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { 'custom:tenant_id': 'kominfo-jabar' } },
      },
    });
    expect(result.request).toEqual(event.request);
    expect(result.userName).toBe('siti.rahma');
  });

  it('refuses the sign-in of a user without a tenant, or with one the API would reject', async () => {
    const attributeSets: Record<string, string>[] = [
      {},
      { 'custom:tenant_id': '' },
      { 'custom:tenant_id': 'a/b' },
    ];
    for (const attributes of attributeSets) {
      await expect(handler(signInEvent(attributes))).rejects.toThrow(ValidationError);
    }
    await expect(handler(signInEvent({}))).rejects.toThrow(
      /siti\.rahma has no valid custom:tenant_id/,
    );
  });
});
