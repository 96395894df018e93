/**
 * pre-token: Cognito pre-token-generation trigger (V2_0 event). Officials sign in to the dashboard
 * through the hosted UI; the API takes their tenant from the access token's `custom:tenant_id`
 * claim, which Cognito puts only in ID tokens unless this trigger copies it into the access token.
 * An official without a valid tenant cannot sign in at all, rather than getting a token the API
 * would refuse with a less helpful error.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { ValidationError } from '../../lib/domain/errors.ts';

/** The claim lib/api/auth.ts reads first; same name as the user attribute. */
const TENANT_CLAIM = 'custom:tenant_id';
/** Same rule as the API's tenant ids (lib/api/auth.ts). */
const TENANT_ID = /^[A-Za-z0-9_-]{1,64}$/;

function withTenantClaim(
  event: PreTokenGenerationV2TriggerEvent,
): PreTokenGenerationV2TriggerEvent {
  const tenantId = event.request.userAttributes[TENANT_CLAIM];
  if (tenantId === undefined || !TENANT_ID.test(tenantId)) {
    throw new ValidationError(
      `User ${event.userName} has no valid ${TENANT_CLAIM} attribute; an administrator must create officials with one`,
    );
  }
  return {
    ...event,
    response: {
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { [TENANT_CLAIM]: tenantId } },
      },
    },
  };
}

async function handler(event: PreTokenGenerationV2TriggerEvent) {
  return withTenantClaim(event);
}

export { handler, TENANT_CLAIM, withTenantClaim };
