/** Link safety, kept free of DOM globals so it is unit-tested in Node. */

/** Only http(s) links leave the app; anything else (javascript:, data:) becomes undefined. */
function safeUrl(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export { safeUrl };
