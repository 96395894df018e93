/**
 * What reaches X-Ray from a traced handler, read off the wire: the X-Ray SDK sends segments over
 * UDP to the daemon, here a socket on 127.0.0.1 that stands in for the one Lambda runs. The SDK
 * decides Lambda mode and the daemon address at import, so the environment is set first and the
 * tracing module imported after.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const TRACE_ID = '1-67891233-abcdef012345678912345678';
const PHONE = '+6281234567890';
const TEXT = 'Harga beras naik terus, rakyat susah';

let daemon: Socket;
const documents: Record<string, unknown>[] = [];

function subsegmentsNamed(name: string): Record<string, unknown>[] {
  return documents.filter((d) => d.name === name);
}

async function waitFor<T>(get: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('nothing arrived at the fake X-Ray daemon');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function streamEvent() {
  const image = {
    tenantId: { S: 'kominfo' },
    issueId: { S: 'iss_beras' },
    source: { S: 'x' },
    text: { S: `${TEXT}, hubungi ${PHONE}` },
  };
  return { Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: image } }] };
}

const context = {
  functionName: 'pantau-score',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

beforeAll(async () => {
  daemon = createSocket('udp4');
  daemon.on('message', (msg) => {
    // Each datagram: a JSON header line, then the (sub)segment document.
    const [, body] = msg.toString('utf8').split('\n');
    if (body) documents.push(JSON.parse(body) as Record<string, unknown>);
  });
  await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', r));
  const { port } = daemon.address() as AddressInfo;
  vi.stubEnv('LAMBDA_TASK_ROOT', '/var/task');
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
  vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'pantau-score');
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  vi.stubEnv('_HANDLER', 'index.handler');
  vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${TRACE_ID};Parent=53995c3f42cd8ad8;Sampled=1`);
  vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', `127.0.0.1:${port}`);
  vi.stubEnv('AWS_XRAY_CONTEXT_MISSING', 'IGNORE_ERROR');
  vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'pantau');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((r) => daemon.close(() => r()));
});

describe('tracing in Lambda, as X-Ray receives it', () => {
  it('sends the handler subsegment with ids as annotations and no response or error text', async () => {
    // Prepare
    // The process's own tracing, as the handlers use it.
    const { tracing } = await import('../../../lib/runtime/tracing.ts');
    const ok = middy(async () => ({ text: TEXT, phone: PHONE })).use(tracing.middleware());
    const failing = middy(async () => {
      throw new Error(`SMS to ${PHONE} failed: ${TEXT}`);
    }).use(tracing.middleware());

    // Act
    await ok(streamEvent(), context);
    const okSegment = await waitFor(() => subsegmentsNamed('## index.handler')[0]);
    await expect(failing(streamEvent(), context)).rejects.toThrow(PHONE);
    const failedSegment = await waitFor(() => subsegmentsNamed('## index.handler')[1]);

    // Assess
    expect(tracing.enabled).toBe(true);
    expect(okSegment.trace_id).toBe(TRACE_ID);
    expect(okSegment.annotations).toEqual({
      ColdStart: true,
      Service: 'pantau',
      tenantId: 'kominfo',
      issueId: 'iss_beras',
      source: 'x',
    });
    expect(failedSegment.annotations).toMatchObject({ ColdStart: false, issueId: 'iss_beras' });
    expect(failedSegment.fault ?? failedSegment.error).toBe(true);
    const wire = JSON.stringify(documents);
    expect(wire).not.toContain(PHONE);
    expect(wire).not.toContain('Harga beras');
  });
});
