/**
 * The cloud's answers (PROTOCOL.md section 3), generated valid: what the parsers return equals what
 * the answer said, field by field, with the documented conversions written out here (env backoff
 * bounds are milliseconds on the wire, passed on in seconds; endpoints as wss://host:port/path, MQTTv5
 * first; `#{claim_id}` replaced in topics, the first topic of a name wins; error bodies lenient).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseChallengeAnswer, parseCloudErrorBody, parseEnvAnswer, parsePasswordAnswer, type HttpsResponse } from '../../adapters/cloud-api/index.js';

const answer = (status: number, body: unknown): HttpsResponse => ({ status, headers: {}, body: Buffer.from(JSON.stringify(body)), reusedSocket: false });

const host = fc.constantFrom('mqtt.netdata.cloud', 'broker.example', '127.0.0.1', '[::1]');
const port = fc.integer({ min: 1, max: 65535 });
/** An endpoint in one of the forms the agent accepts, and the URL it means (adapters/mqtt/endpoint.ts). */
const endpoint = fc.oneof(
  fc.tuple(host, port, fc.constantFrom('/mqtt', '/ws/v2')).map(([h, p, path]) => ({ text: `wss://${h}:${p}${path}`, url: `wss://${h}:${p}${path}` })),
  fc.tuple(host, port).map(([h, p]) => ({ text: `${h}:${p}`, url: `wss://${h}:${p}/mqtt` })),
  host.map((h) => ({ text: `https://${h}/anything`, url: `wss://${h}:443/mqtt` })),
  fc.tuple(host, port).map(([h, p]) => ({ text: `http://${h}:${p}`, url: `wss://${h}:${p}/mqtt` })),
);
const offer = fc.tuple(fc.constantFrom('MQTTv5', 'MQTTv3', 'MQTTv7', 'QUIC'), endpoint);
const MAX_MS = 2_147_483_000; // the longest whole-second wait a Node.js timer holds, in ms
const backoff = fc.record({ base: fc.integer({ min: 1, max: 10 }), min: fc.integer({ min: 0, max: MAX_MS }), max: fc.integer({ min: 500, max: MAX_MS }) });

describe('cloud answers: parsed values equal the answer', () => {
  test.prop([
    fc.constantFrom('https://app.netdata.cloud/api/v1/auth', 'https://127.0.0.1:8443/auth/'),
    fc.constantFrom('proto', 'json'),
    fc.array(offer, { minLength: 1, maxLength: 6 }).filter((list) => list.some(([type]) => type === 'MQTTv5' || type === 'MQTTv3')),
    fc.option(backoff, { nil: undefined }),
    fc.array(fc.string({ maxLength: 12 }), { maxLength: 5 }),
  ])('env', (authEndpoint, encoding, offers, wait, capabilities) => {
    const body = {
      authEndpoint, encoding, capabilities, future: { x: 1 },
      transports: offers.map(([type, e]) => ({ type, endpoint: e.text, extra: true })),
      ...(wait === undefined ? {} : { backoff: { base: wait.base, minSeconds: wait.min, maxSeconds: wait.max } }),
    };
    const usable = (type: string) => offers.filter(([t]) => t === type).map(([t, e]) => ({ type: t, endpoint: e.url }));
    expect(parseEnvAnswer(answer(200, body))).toEqual({
      authEndpoint,
      encoding,
      transports: [...usable('MQTTv5'), ...usable('MQTTv3')],
      ...(wait === undefined ? {} : { backoff: { base: wait.base, minSeconds: wait.min / 1000, maxSeconds: wait.max / 1000 } }),
      capabilities,
    });
  });

  test.prop([fc.uint8Array({ minLength: 256, maxLength: 256 })])('challenge: the 256 bytes sent', (bytes) => {
    const parsed = parseChallengeAnswer(answer(200, { challenge: Buffer.from(bytes).toString('base64'), other: 1 }));
    expect(Array.from(parsed)).toEqual(Array.from(bytes));
  });

  const name = fc.constantFrom('inbox-cmd', 'agent-connection', 'chart', 'alarms', 'toString', '__proto__');
  const topic = fc.array(fc.constantFrom('/agent/', '#{claim_id}', '/outbound/v1/', 'x'), { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
  const text = fc.string({ minLength: 1, maxLength: 40 });
  test.prop([fc.uuid(), text, text, text, fc.array(fc.tuple(name, topic), { maxLength: 8 })])('password', (claimId, clientID, username, password, extra) => {
    const topics = [['inbox-cmd', '/agent/#{claim_id}/inbound/v2/#'], ...extra, ['agent-connection', '/agent/#{claim_id}/c']] as const;
    const expected: Record<string, string> = {};
    for (const [n, t] of topics) if (!Object.hasOwn(expected, n)) Object.defineProperty(expected, n, { value: t.replaceAll('#{claim_id}', claimId), enumerable: true });
    const creds = parsePasswordAnswer(answer(201, { clientID, username, password, topics: topics.map(([n, t]) => ({ name: n, topic: t })) }), claimId);
    expect(creds).toEqual({ clientId: clientID, username, password, topics: expected });
    expect(Object.keys(creds.topics)).toEqual(Object.keys(expected));
  });

  test.prop([fc.record({
    errorCode: fc.oneof(fc.string({ maxLength: 10 }), fc.integer({ min: 0, max: 999 })),
    errorMsgKey: fc.string({ maxLength: 20 }),
    errorMessage: fc.oneof(fc.string({ maxLength: 20 }), fc.string({ minLength: 490, maxLength: 700 })),
    errorNonRetryable: fc.boolean(),
    errorRetryDelaySeconds: fc.double({ min: 0.001, max: 1e10, noNaN: true }),
  }, { requiredKeys: [] })])('cloud error body: every known field of the right type, as documented', (fields) => {
    const expected: Record<string, unknown> = {};
    if (fields.errorCode !== undefined) expected.errorCode = String(fields.errorCode);
    if (fields.errorMsgKey !== undefined) expected.errorMsgKey = fields.errorMsgKey;
    if (fields.errorMessage !== undefined) expected.errorMessage = fields.errorMessage.slice(0, 500);
    if (fields.errorNonRetryable !== undefined) expected.errorNonRetryable = fields.errorNonRetryable;
    if (fields.errorRetryDelaySeconds !== undefined) expected.errorRetryDelaySeconds = Math.min(Math.ceil(fields.errorRetryDelaySeconds), 2_147_483);
    const parsed = parseCloudErrorBody(JSON.stringify({ ...fields, unknown: [1] }));
    expect(parsed).toEqual(Object.keys(expected).length === 0 ? undefined : expected);
  });
});
