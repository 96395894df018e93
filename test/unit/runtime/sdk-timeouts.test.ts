/**
 * The delivery-path SDK clients pass their timeouts as a plain `requestHandler` object. This
 * checks that the installed SDK honours that form: against a server on loopback that accepts the
 * request and never answers, a Publish fails with a timeout instead of hanging.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_REQUEST_TIMEOUTS } from '../../../lib/runtime/sdk-timeouts.ts';
import { LOCAL_CREDENTIALS } from '../../../lib/storage/clients.ts';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SDK request timeouts', () => {
  it('makes a Publish to a silent endpoint fail instead of hanging', async () => {
    const sns = new SNSClient({
      region: 'ap-southeast-3',
      endpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
      // The shipped settings, with a shorter wait so the test is quick.
      requestHandler: { ...SDK_REQUEST_TIMEOUTS.requestHandler, requestTimeout: 300 },
    });
    const started = Date.now();
    await expect(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:ap-southeast-3:1:t', Message: 'x' })),
    ).rejects.toThrow(/timeout|timed out/i);
    // Well before vitest's own 5 s test timeout: the handler's timeout fired, not the test's.
    expect(Date.now() - started).toBeLessThan(4_000);
    sns.destroy();
  });
});
