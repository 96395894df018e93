import {
  ConfirmSubscriptionCommand,
  PublishCommand,
  SNSClient,
  SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  buildFilterPolicy,
  createSnsPublisher,
  createSnsSubscriptions,
  formatSms,
  gsm7Length,
  parseConfirmation,
  snsSubject,
  subscribe,
  unsubscribe,
} from '../../../lib/alerts/index.ts';
import { PantauError, PartialDeliveryError, ValidationError } from '../../../lib/domain/errors.ts';
import type { Subscriber } from '../../../lib/domain/types.ts';
import { sampleAlert } from './fixtures.ts';

const TOPIC = 'arn:aws:sns:ap-southeast-3:123456789012:pantau-alerts';
const sns = new SNSClient({ region: 'ap-southeast-3' });
const mock = mockClient(sns);

const subscriber: Subscriber = {
  tenantId: 'kominfo',
  issueId: 'harga-beras',
  id: 'sub-1',
  channel: 'sms',
  address: '+6281234567890',
  minLevel: 'SIAGA',
  lang: 'id',
  createdAt: '2026-03-01T00:00:00.000Z',
};

/** Evaluates a filter policy the way SNS does for String and Number attributes. */
function policyMatches(
  policy: ReturnType<typeof buildFilterPolicy>,
  attrs: Record<string, { DataType: string; StringValue: string }>,
): boolean {
  const severity = Number(attrs.severity?.StringValue);
  const [op, bound] = policy.severity[0]?.numeric ?? ['>=', Number.NaN];
  return (
    policy.tenant.includes(attrs.tenant?.StringValue as string) &&
    policy.lang.includes(attrs.lang?.StringValue as 'id' | 'en') &&
    policy.issue.includes(attrs.issue?.StringValue as string) &&
    attrs.severity?.DataType === 'Number' &&
    op === '>=' &&
    severity >= bound
  );
}

beforeEach(() => {
  mock.reset();
});

describe('createSnsPublisher', () => {
  it('publishes once per language with per-protocol bodies and routing attributes', async () => {
    mock.on(PublishCommand).resolvesOnce({ MessageId: 'msg-id' }).resolves({ MessageId: 'msg-en' });
    const publisher = createSnsPublisher({ sns, topicArn: TOPIC, baseUrl: 'https://pantau.go.id' });
    const alert = sampleAlert();
    await expect(publisher.publish(alert)).resolves.toEqual({ messageId: 'msg-id,msg-en' });
    expect(mock).toHaveReceivedCommandTimes(PublishCommand, 2);
    const english = mock.commandCalls(PublishCommand)[1]?.args[0].input;
    expect(english?.MessageAttributes?.lang).toEqual({ DataType: 'String', StringValue: 'en' });
    expect(JSON.parse(english?.Message as string).sms).toBe(
      formatSms(alert, 'en', 'https://pantau.go.id'),
    );
    const input = mock.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      MessageStructure: 'json',
      Subject: '[Pantau] SIAGA: Harga Beras Naik - 76 sebutan negatif dalam 5 menit',
      MessageAttributes: {
        tenant: { DataType: 'String', StringValue: 'kominfo' },
        issue: { DataType: 'String', StringValue: 'harga-beras' },
        severity: { DataType: 'Number', StringValue: '2' },
        lang: { DataType: 'String', StringValue: 'id' },
      },
    });
    const body = JSON.parse(input?.Message as string);
    expect(Object.keys(body).sort()).toEqual(['default', 'email', 'email-json', 'sms']);
    expect(body.sms).toBe(formatSms(alert, 'id', 'https://pantau.go.id'));
    expect(gsm7Length(body.sms)).toBeLessThanOrEqual(160);
    expect(body.email).toContain('Sebutan negatif: 76 dari 127');
    expect(JSON.parse(body['email-json']).alert.id).toBe(alert.id);
  });

  it('writes only the configured languages, and fails on a publish without MessageId', async () => {
    mock.on(PublishCommand).resolves({});
    const publisher = createSnsPublisher({ sns, topicArn: TOPIC, langs: ['en'] });
    await expect(publisher.publish(sampleAlert())).rejects.toThrow(PantauError);
    const body = JSON.parse(mock.commandCalls(PublishCommand)[0]?.args[0].input.Message as string);
    expect(body.sms).toContain('negative/5min');
  });

  it('names the languages already sent when a later one fails, and skips them on retry', async () => {
    mock
      .on(PublishCommand)
      .resolvesOnce({ MessageId: 'msg-id' })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }))
      .resolves({ MessageId: 'msg-en' });
    const publisher = createSnsPublisher({ sns, topicArn: TOPIC });
    const failed = await publisher.publish(sampleAlert()).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(PartialDeliveryError);
    expect((failed as PartialDeliveryError).delivered).toEqual(['id']);
    expect((failed as Error).message).toContain('Rate exceeded');

    await expect(publisher.publish(sampleAlert(), { skip: ['id'] })).resolves.toEqual({
      messageId: 'msg-en',
    });
    const langs = mock
      .commandCalls(PublishCommand)
      .map((c) => c.args[0].input.MessageAttributes?.lang?.StringValue);
    expect(langs).toEqual(['id', 'en', 'en']);
  });

  it('lets SNS errors propagate so the stream retries', async () => {
    mock.on(PublishCommand).rejects(new Error('Throttling'));
    const publisher = createSnsPublisher({ sns, topicArn: TOPIC });
    await expect(publisher.publish(sampleAlert())).rejects.toThrow('Throttling');
  });

  it('keeps SNS subjects to printable ASCII under 100 characters', () => {
    const s = snsSubject(`[Pantau] AWAS: Pêmilu “Serentak” 😡 – ${'x'.repeat(200)}`);
    expect(s.length).toBeLessThan(100);
    expect(s).toMatch(/^\[Pantau\] AWAS: Pemilu "Serentak" - x+\.\.\.$/);
  });
});

describe('filter policies and subscriptions', () => {
  it('routes by tenant, issue and minimum severity', () => {
    const policy = buildFilterPolicy(subscriber);
    expect(policy).toEqual({
      tenant: ['kominfo'],
      issue: ['harga-beras'],
      severity: [{ numeric: ['>=', 2] }],
      lang: ['id'],
    });
    const attrs = (level: 'WASPADA' | 'SIAGA' | 'AWAS', tenant = 'kominfo', lang = 'id') => ({
      tenant: { DataType: 'String', StringValue: tenant },
      lang: { DataType: 'String', StringValue: lang },
      issue: { DataType: 'String', StringValue: 'harga-beras' },
      severity: {
        DataType: 'Number',
        StringValue: String({ WASPADA: 1, SIAGA: 2, AWAS: 3 }[level]),
      },
    });
    expect(policyMatches(policy, attrs('WASPADA'))).toBe(false);
    expect(policyMatches(policy, attrs('SIAGA'))).toBe(true);
    expect(policyMatches(policy, attrs('AWAS'))).toBe(true);
    expect(policyMatches(policy, attrs('AWAS', 'other-agency'))).toBe(false);
    // An Indonesian reader gets the Indonesian publish only, never the English one too.
    expect(policyMatches(policy, attrs('AWAS', 'kominfo', 'en'))).toBe(false);
  });

  it('subscribes with the filter policy and returns the subscription ARN', async () => {
    mock.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:abc` });
    await expect(subscribe(sns, TOPIC, subscriber)).resolves.toBe(`${TOPIC}:abc`);
    expect(mock).toHaveReceivedCommandWith(SubscribeCommand, {
      TopicArn: TOPIC,
      Protocol: 'sms',
      Endpoint: '+6281234567890',
      ReturnSubscriptionArn: true,
      Attributes: {
        FilterPolicy: JSON.stringify(buildFilterPolicy(subscriber)),
        FilterPolicyScope: 'MessageAttributes',
      },
    });
  });

  it('refuses a bad address before calling SNS', async () => {
    await expect(subscribe(sns, TOPIC, { ...subscriber, address: '0812345' })).rejects.toThrow(
      ValidationError,
    );
    await expect(
      subscribe(sns, TOPIC, { ...subscriber, channel: 'email', address: 'humas@' }),
    ).rejects.toThrow(ValidationError);
    expect(mock).not.toHaveReceivedCommand(SubscribeCommand);
  });

  it('unsubscribes by ARN', async () => {
    mock.on(UnsubscribeCommand).resolves({});
    await unsubscribe(sns, `${TOPIC}:abc`);
    expect(mock).toHaveReceivedCommandWith(UnsubscribeCommand, { SubscriptionArn: `${TOPIC}:abc` });
  });
});

describe('email confirmation with authenticated unsubscribe', () => {
  const token = '2336412f37fb687f5d51e6e2425ba1f30e6b8c2f6d1b86e1a2c0f3b3d0b9e2a1';
  const link = `https://sns.ap-southeast-3.amazonaws.com/confirmation.html?TopicArn=${encodeURIComponent(TOPIC)}&Token=${token}&Endpoint=humas%40example.go.id`;

  it('reads the token from the whole link or alone', () => {
    expect(parseConfirmation(`  ${link}\n`)).toEqual({ token, topicArn: TOPIC });
    expect(parseConfirmation(token)).toEqual({ token });
  });

  it('refuses links that are not SNS confirmation links, naming the field', () => {
    for (const bad of [
      'https://evil.example.com/confirmation.html?Token=abcdefabcdefabcdef',
      `http://sns.ap-southeast-3.amazonaws.com/confirmation.html?Token=${token}`,
      'https://sns.ap-southeast-3.amazonaws.com/confirmation.html?Token=short',
      'not a link',
    ]) {
      let thrown: unknown;
      try {
        parseConfirmation(bad);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ValidationError);
      expect((thrown as ValidationError).details).toEqual([
        expect.objectContaining({ field: 'body.confirmation' }),
      ]);
    }
  });

  it('confirms with AuthenticateOnUnsubscribe and returns the subscription ARN', async () => {
    mock.on(ConfirmSubscriptionCommand).resolves({ SubscriptionArn: `${TOPIC}:abc` });
    const port = createSnsSubscriptions(sns, TOPIC);
    const parsed = parseConfirmation(link);
    expect(await port.confirm({ ...subscriber, channel: 'email' }, parsed)).toBe(`${TOPIC}:abc`);
    expect(mock).toHaveReceivedCommandWith(ConfirmSubscriptionCommand, {
      TopicArn: TOPIC,
      Token: token,
      AuthenticateOnUnsubscribe: 'true',
    });
  });

  it("rejects another topic's link without calling SNS, and maps a rejected token to 400", async () => {
    const port = createSnsSubscriptions(sns, TOPIC);
    const other = link.replace(encodeURIComponent(TOPIC), encodeURIComponent(`${TOPIC}-other`));
    await expect(port.confirm(subscriber, parseConfirmation(other))).rejects.toThrow(
      /another SNS topic/,
    );
    expect(mock).not.toHaveReceivedCommand(ConfirmSubscriptionCommand);

    mock
      .on(ConfirmSubscriptionCommand)
      .rejects(Object.assign(new Error('Invalid token'), { name: 'InvalidParameterException' }));
    const rejected = port.confirm(subscriber, { token });
    await expect(rejected).rejects.toBeInstanceOf(ValidationError);
    await expect(rejected).rejects.toThrow(/expired/);

    mock
      .on(ConfirmSubscriptionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    await expect(port.confirm(subscriber, { token })).rejects.toThrow('Rate exceeded');
  });
});
