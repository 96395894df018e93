/**
 * A fake Amazon SNS endpoint on 127.0.0.1 that speaks the AWS Query protocol the SDK's SNSClient
 * uses: form-encoded `Action=Publish` requests in, `PublishResponse` XML out, and SNS's own XML
 * error for throttling (`Throttled`, HTTP 400) when told to fail, so the SDK's parsing and retry
 * logic run as against the real service. Every accepted message is recorded.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PublishedMessage {
  messageId: string;
  topicArn: string;
  subject?: string;
  structure?: string;
  message: string;
  attributes: Record<string, { type: string; value: string }>;
}

export interface FakeSnsServer {
  endpoint: string;
  published: PublishedMessage[];
  /** Requests of any kind seen, accepted or refused. */
  requests: number;
  /** Answers the next `n` requests with SNS's throttling error. */
  throttleNext(n: number): void;
  close(): Promise<void>;
}

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';

function attributesOf(form: URLSearchParams): PublishedMessage['attributes'] {
  const out: PublishedMessage['attributes'] = {};
  for (let i = 1; form.has(`MessageAttributes.entry.${i}.Name`); i++) {
    const name = form.get(`MessageAttributes.entry.${i}.Name`) as string;
    out[name] = {
      type: form.get(`MessageAttributes.entry.${i}.Value.DataType`) ?? '',
      value: form.get(`MessageAttributes.entry.${i}.Value.StringValue`) ?? '',
    };
  }
  return out;
}

async function startFakeSnsServer(): Promise<FakeSnsServer> {
  let throttle = 0;
  const state = { requests: 0 };
  const published: PublishedMessage[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests += 1;
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const requestId = randomUUID();
      const reply = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
        res.end(xml);
      };
      if (throttle > 0) {
        throttle -= 1;
        reply(
          400,
          `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>Throttled</Code><Message>Rate exceeded</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const topicArn = form.get('TopicArn');
      const message = form.get('Message');
      if (form.get('Action') !== 'Publish' || !topicArn || message === null) {
        reply(
          400,
          `<ErrorResponse xmlns="${XMLNS}"><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Unsupported request</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const messageId = randomUUID();
      published.push({
        messageId,
        topicArn,
        subject: form.get('Subject') ?? undefined,
        structure: form.get('MessageStructure') ?? undefined,
        message,
        attributes: attributesOf(form),
      });
      reply(
        200,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    get requests() {
      return state.requests;
    },
    throttleNext(n) {
      throttle = n;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export { startFakeSnsServer };
