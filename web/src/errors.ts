/**
 * What an official reads when a call fails. Kept apart from the DOM helpers so it is plain data
 * to test, and so every page words the same failure the same way.
 */
import { ApiError } from './api.ts';
import { t } from './i18n.ts';

function errorText(err: unknown): string {
  if (err instanceof ApiError && err.status === 0) return t('errorNetwork');
  // The API's own message is English and names limits; an official needs to know when to retry.
  if (err instanceof ApiError && err.status === 429) {
    return err.retryAfterSeconds === undefined
      ? t('errorRateLimited')
      : t('errorRateLimitedIn', { seconds: err.retryAfterSeconds });
  }
  return t('errorGeneric', { message: err instanceof Error ? err.message : String(err) });
}

export { errorText };
