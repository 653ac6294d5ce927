/**
 * Fuzzing the cloud's HTTPS answers (issue 7): env, challenge and password bodies (any JSON, any value,
 * mutated valid answers, non-JSON, wrong types, missing fields, huge strings) and error bodies, through
 * the real answer parsers. Each answer is accepted or rejected with the step's documented code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseChallengeAnswer, parseCloudErrorBody, parseEnvAnswer, parsePasswordAnswer, type HttpsResponse,
} from '../../adapters/cloud-api/index.js';
import { codeOf, mutatedText, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

/** Node runs a longer timer at once; the link's waits must stay below it (regression: a huge delay crashed the state). */
const NODE_TIMER_MAX_MS = 2_147_483_647;
const response = (status: number, body: string | Buffer): HttpsResponse => ({ status, headers: {}, body: Buffer.from(body), reusedSocket: false });

const validEnv = fc.record({
  authEndpoint: fc.webUrl({ validSchemes: ['https'] }),
  encoding: fc.constantFrom('proto', 'json'),
  transports: fc.array(fc.record({ type: fc.constantFrom('MQTTv5', 'MQTTv3', 'MQTTv6'), endpoint: fc.oneof(fc.webUrl().map((u) => u.replace(/^https?/, 'wss')), fc.string()) }), { minLength: 1, maxLength: 3 }),
  backoff: fc.option(fc.record({ base: fc.integer({ min: 1, max: 10 }), minSeconds: fc.nat(), maxSeconds: fc.integer({ min: 500 }) }), { nil: undefined }),
  capabilities: fc.array(fc.string(), { maxLength: 3 }),
});
const challenge = fc.uint8Array({ minLength: 256, maxLength: 256 }).map((b) => Buffer.from(b).toString('base64'));
const topicNames = fc.constantFrom('inbox-cmd', 'agent-connection', 'chart', '__proto__', 'toString', '');
const validPassword = fc.record({
  clientID: fc.string({ minLength: 1 }), username: fc.string({ minLength: 1 }), password: fc.string({ minLength: 1 }),
  topics: fc.array(fc.record({ name: topicNames, topic: fc.string().map((s) => `/a/#{claim_id}/${s}`) }), { maxLength: 5 }),
});

/** Any value in place of a field, a field removed, or a huge string. */
const wrongValue = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.constant('x'.repeat(100_000)), fc.constantFrom(1e308, -0, NaN, 2 ** 53 + 1));
function withWrongFields<T extends object>(valid: fc.Arbitrary<T>, keys: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.dictionary(fc.constantFrom(...keys, '__proto__'), wrongValue, { minKeys: 1, maxKeys: 3 })).map(([v, patch]) => {
    const copy: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const [k, x] of Object.entries(patch)) Object.defineProperty(copy, k, { value: x, enumerable: true, configurable: true, writable: true });
    return JSON.stringify(copy);
  });
}
/** Bodies: valid, valid with wrong fields, mutated text, any JSON, any value serialised, not JSON at all. */
function bodies<T extends object>(valid: fc.Arbitrary<T>, keys: readonly string[]): fc.Arbitrary<string | Buffer> {
  const json = valid.map((v) => JSON.stringify(v));
  return fc.oneof(json, withWrongFields(valid, keys), mutatedText(json), fc.json(), fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
    fc.string(), fc.uint8Array({ maxLength: 100 }).map((b) => Buffer.from(b)));
}
const status = (expected: number) => fc.oneof(fc.constant(expected), fc.constant(expected), fc.integer({ min: 100, max: 599 }));

describe('fuzz: cloud answers', () => {
  it('env: an EnvInfo with usable transports, or an ENV_* code', () => {
    fc.assert(fc.property(status(200), bodies(validEnv, ['authEndpoint', 'encoding', 'transports', 'backoff', 'capabilities']), (s, body) => {
      let info: ReturnType<typeof parseEnvAnswer> | undefined;
      const code = codeOf(() => { info = parseEnvAnswer(response(s, body)); });
      if (s !== 200) expect(code).toBe('ENV_NOT_200');
      if (info === undefined) { expect(['ENV_NOT_200', 'ENV_BAD_JSON', 'ENV_BAD_SCHEMA', 'ENV_NO_TRANSPORT', 'ENV_BAD_ENDPOINT']).toContain(code); return; }
      expect(new URL(info.authEndpoint).protocol).toBe('https:');
      expect(info.transports.length).toBeGreaterThan(0);
      for (const t of info.transports) expect(new URL(t.endpoint).protocol).toBe('wss:');
      if (info.backoff) expect(Math.max(info.backoff.minSeconds, info.backoff.maxSeconds) * 1000).toBeLessThanOrEqual(NODE_TIMER_MAX_MS);
    }), runs());
  });

  it('challenge: 256 bytes, or an AUTH_CHALLENGE_* code', () => {
    fc.assert(fc.property(status(200), bodies(challenge.map((c) => ({ challenge: c })), ['challenge']), (s, body) => {
      let bytes: Uint8Array | undefined;
      const code = codeOf(() => { bytes = parseChallengeAnswer(response(s, body)); });
      if (bytes !== undefined) { expect(bytes).toHaveLength(256); return; }
      expect(['AUTH_CHALLENGE_NOT_200', 'AUTH_CHALLENGE_BAD_JSON', 'AUTH_CHALLENGE_BAD_LENGTH']).toContain(code);
    }), runs());
  });

  it('password: credentials with both required topics and no tag left, or an AUTH_PASSWORD_* code', () => {
    fc.assert(fc.property(status(201), bodies(validPassword, ['clientID', 'username', 'password', 'topics']), fc.uuid(), (s, body, claimId) => {
      let creds: ReturnType<typeof parsePasswordAnswer> | undefined;
      const code = codeOf(() => { creds = parsePasswordAnswer(response(s, body), claimId); });
      if (creds === undefined) { expect(['AUTH_PASSWORD_NOT_201', 'AUTH_PASSWORD_BAD_JSON', 'AUTH_PASSWORD_NO_TOPICS']).toContain(code); return; }
      expect(creds.password).not.toBe('');
      expect(Object.keys(creds.topics)).toEqual(expect.arrayContaining(['inbox-cmd', 'agent-connection']));
      for (const t of Object.values(creds.topics)) expect(t).not.toContain('#{claim_id}');
    }), runs());
  });

  it('valid answers are accepted', () => {
    fc.assert(fc.property(validEnv, challenge, validPassword, (env, c, pw) => {
      const known = env.transports.filter((t) => t.type !== 'MQTTv6');
      const code = codeOf(() => parseEnvAnswer(response(200, JSON.stringify(env))));
      // A wss:// URL is always usable; other strings may be (a bare host[:port]) or not (ENV_BAD_ENDPOINT).
      if (known.some((t) => /^wss:/.test(t.endpoint) && URL.canParse(t.endpoint))) expect(code).toBe('ok');
      else if (known.length === 0) expect(code).toBe('ENV_NO_TRANSPORT');
      else expect(['ok', 'ENV_BAD_ENDPOINT']).toContain(code);
      expect(codeOf(() => parseChallengeAnswer(response(200, JSON.stringify({ challenge: c }))))).toBe('ok');
      const topics = [{ name: 'inbox-cmd', topic: '/in' }, { name: 'agent-connection', topic: '/c' }, ...pw.topics.filter((t) => t.name !== '')];
      expect(codeOf(() => parsePasswordAnswer(response(201, JSON.stringify({ ...pw, topics })), 'id'))).toBe('ok');
    }), runs(200, 5_000));
    // Regression examples: huge waits from the cloud are capped, not passed on (they crashed the link's state).
    expect(parseCloudErrorBody('{"errorRetryDelaySeconds":1e300}')).toEqual({ errorRetryDelaySeconds: 2_147_483 });
    const env = { authEndpoint: 'https://a', encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint: 'wss://b' }], capabilities: [], backoff: { base: 2, minSeconds: 9e15, maxSeconds: 9e15 } };
    expect(parseEnvAnswer(response(200, JSON.stringify(env))).backoff).toEqual({ base: 2, minSeconds: 2_147_483, maxSeconds: 2_147_483 });
  });

  it('error bodies: never throws; keeps only well-typed fields, a positive whole retry delay', () => {
    const errorBody = fc.record({ errorCode: wrongValue, errorMsgKey: wrongValue, errorMessage: wrongValue, errorNonRetryable: wrongValue, errorRetryDelaySeconds: wrongValue }, { requiredKeys: [] });
    fc.assert(fc.property(fc.oneof(errorBody.map((b) => JSON.stringify(b)), bodies(errorBody, ['errorCode'])), (body) => {
      const cloud = parseCloudErrorBody(body);
      if (cloud === undefined) return;
      const delay = cloud.errorRetryDelaySeconds;
      if (delay !== undefined) expect(Number.isInteger(delay) && delay > 0 && delay * 1000 <= NODE_TIMER_MAX_MS).toBe(true);
      if (cloud.errorMessage !== undefined) expect(cloud.errorMessage.length).toBeLessThanOrEqual(500);
      for (const k of ['errorCode', 'errorMsgKey', 'errorMessage'] as const) if (cloud[k] !== undefined) expect(typeof cloud[k]).toBe('string');
      // An error status carries the parsed body into the coded error.
      expect(codeOf(() => parseEnvAnswer(response(503, body)))).toBe('ENV_NOT_200');
    }), runs(500, 10_000));
  });
});
