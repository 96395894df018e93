/**
 * Timeouts for the SDK clients whose calls sit on a delivery path. Without them a hung request
 * waits for the Lambda timeout: a hung SNS Publish would hold the detector's 90 s delivery lease
 * for the whole 60 s of the function. With three SDK attempts of at most 10 s each, a call gives up
 * well inside the function's budget and the stream retries it.
 */
const SDK_REQUEST_TIMEOUTS = {
  requestHandler: {
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Without it the current SDK only logs a warning when requestTimeout passes.
    throwOnRequestTimeout: true,
  },
} as const;

export { SDK_REQUEST_TIMEOUTS };
