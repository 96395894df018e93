/**
 * Lambda event-filter patterns, as the event source mapping applies them before a record reaches
 * the function. Covers what Pantau uses and the common operators: exact values, `exists`,
 * `prefix`, `anything-but`, and numeric comparisons. Records that do not match are not delivered
 * (and, as in Lambda, count as processed).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html
 */
type Pattern = { [key: string]: Pattern | unknown[] };

function matchesValue(rule: unknown, value: unknown, present: boolean): boolean {
  if (rule === null) return value === null;
  if (typeof rule === 'string' || typeof rule === 'number' || typeof rule === 'boolean') {
    return Array.isArray(value) ? value.includes(rule) : value === rule;
  }
  if (typeof rule !== 'object') return false;
  const r = rule as Record<string, unknown>;
  if ('exists' in r) return r.exists === present;
  if (!present) return false;
  if ('prefix' in r) return typeof value === 'string' && value.startsWith(String(r.prefix));
  if ('anything-but' in r) {
    const banned = Array.isArray(r['anything-but']) ? r['anything-but'] : [r['anything-but']];
    return !banned.includes(value as never);
  }
  if ('numeric' in r && Array.isArray(r.numeric)) {
    const n = typeof value === 'string' ? Number(value) : value;
    if (typeof n !== 'number' || Number.isNaN(n)) return false;
    const ops = r.numeric as unknown[];
    for (let i = 0; i + 1 < ops.length; i += 2) {
      const bound = Number(ops[i + 1]);
      const ok =
        (ops[i] === '=' && n === bound) ||
        (ops[i] === '<' && n < bound) ||
        (ops[i] === '<=' && n <= bound) ||
        (ops[i] === '>' && n > bound) ||
        (ops[i] === '>=' && n >= bound);
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

function matchesPattern(pattern: Pattern, event: unknown): boolean {
  const obj = (event && typeof event === 'object' ? event : {}) as Record<string, unknown>;
  for (const [key, rule] of Object.entries(pattern)) {
    const present = Object.hasOwn(obj, key);
    const value = obj[key];
    if (Array.isArray(rule)) {
      if (!rule.some((r) => matchesValue(r, value, present))) return false;
    } else if (rule && typeof rule === 'object') {
      if (!present || !matchesPattern(rule as Pattern, value)) return false;
    } else {
      return false;
    }
  }
  return true;
}

/** A record passes when any of the patterns matches (Lambda ORs the filters of one mapping). */
function passesFilters(patterns: Pattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesPattern(p, event));
}

export type { Pattern };
export { matchesPattern, passesFilters };
