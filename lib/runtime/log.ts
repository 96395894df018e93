/**
 * A small logging port. In Lambda it is Powertools Logger (structured JSON with the request's
 * correlation ids); locally it prints one readable line per event. Callers pass fields, never
 * secrets: tokens, passwords and phone numbers stay out of log lines by construction.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export interface Log {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** The one Powertools logger of a Lambda process; handlers add it to middy for request context. */
const lambdaLogger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'pantau' });

function createPowertoolsLog(scope: string): { log: Log; logger: Logger } {
  const logger = lambdaLogger.createChild({ persistentKeys: { scope } });
  const log: Log = {
    debug: (m, f) => logger.debug(m, f ?? {}),
    info: (m, f) => logger.info(m, f ?? {}),
    warn: (m, f) => logger.warn(m, f ?? {}),
    error: (m, f) => logger.error(m, f ?? {}),
  };
  return { log, logger };
}

function formatFields(fields: Record<string, unknown> | undefined): string {
  if (!fields) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const text = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
    parts.push(`${k}=${text}`);
  }
  return parts.length ? ` ${parts.join(' ')}` : '';
}

/** Human-readable lines for the local runtime and the CLI, on stderr so stdout stays data. */
function createConsoleLog(scope: string, minLevel: Level = 'info'): Log {
  const min = LEVELS.indexOf(minLevel);
  const emit = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(level) < min) return;
    const time = new Date().toISOString().slice(11, 19);
    process.stderr.write(
      `${time} ${level.padEnd(5)} [${scope}] ${message}${formatFields(fields)}\n`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

function createLog(scope: string): Log {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return createPowertoolsLog(scope).log;
  const level = (process.env.LOG_LEVEL?.toLowerCase() ?? 'info') as Level;
  return createConsoleLog(scope, LEVELS.includes(level) ? level : 'info');
}

export { createConsoleLog, createLog, createPowertoolsLog, lambdaLogger, silentLog };
