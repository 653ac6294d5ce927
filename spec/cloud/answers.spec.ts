import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseChallengeAnswer, parseCloudErrorBody, parseEnvAnswer, parsePasswordAnswer, type HttpsResponse } from '../../adapters/cloud-api/index.js';
import { codeOf } from '../support/codes.js';

const answer = (status: number, body: unknown): HttpsResponse => ({
  status,
  headers: {},
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  reusedSocket: false,
});

describe('answer parsing', () => {
  it('a challenge must be 344 base64 characters decoding to 256 bytes', () => {
    const good = Buffer.alloc(256, 7).toString('base64');
    expect(good).toHaveLength(344);
    expect(parseChallengeAnswer(answer(200, { challenge: good }))).toHaveLength(256);
    expect(codeOf(() => parseChallengeAnswer(answer(200, { challenge: `${'!'.repeat(340)}AAA=` })))).toBe('AUTH_CHALLENGE_BAD_LENGTH');
    expect(codeOf(() => parseChallengeAnswer(answer(200, { challenge: Buffer.alloc(255).toString('base64') })))).toBe('AUTH_CHALLENGE_BAD_LENGTH');
    expect(codeOf(() => parseChallengeAnswer(answer(200, { challenge: 5 })))).toBe('AUTH_CHALLENGE_BAD_JSON');
    expect(codeOf(() => parseChallengeAnswer(answer(201, { challenge: good })))).toBe('AUTH_CHALLENGE_NOT_200');
  });

  it('password topics: every #{claim_id} replaced, the first of a name wins, odd names stay data', () => {
    fc.assert(fc.property(fc.uuid(), fc.array(fc.constantFrom('a', '#{claim_id}', '/', 'x'), { maxLength: 8 }), (claimId, parts) => {
      const topic = `/agent/${parts.join('')}`;
      const creds = parsePasswordAnswer(answer(201, {
        clientID: 'c', username: 'u', password: 'p', extra: true,
        topics: [
          { name: 'inbox-cmd', topic },
          { name: 'inbox-cmd', topic: '/other' },
          { name: 'agent-connection', topic: '/c/#{claim_id}' },
          { name: '__proto__', topic: '/p' },
        ],
      }), claimId);
      expect(creds.topics['inbox-cmd']).toBe(topic.split('#{claim_id}').join(claimId));
      expect(creds.topics['inbox-cmd']).not.toContain('#{claim_id}');
      expect(Object.keys(creds.topics)).toEqual(['inbox-cmd', 'agent-connection', '__proto__']);
    }));
    expect(codeOf(() => parsePasswordAnswer(answer(201, { clientID: 'c', username: 'u', password: '', topics: [] }), 'x'))).toBe('AUTH_PASSWORD_BAD_JSON');
    expect(codeOf(() => parsePasswordAnswer(answer(200, {}), 'x'))).toBe('AUTH_PASSWORD_NOT_201');
  });

  it('env: unknown keys ignored, backoff optional, authEndpoint must be https', () => {
    const base = { authEndpoint: 'https://a/api/v1/auth', encoding: 'json', transports: [{ type: 'MQTTv5', endpoint: 'wss://b/mqtt', x: 1 }], capabilities: [], future: 1 };
    expect(parseEnvAnswer(answer(200, base))).toEqual({
      authEndpoint: 'https://a/api/v1/auth', encoding: 'json', transports: [{ type: 'MQTTv5', endpoint: 'wss://b:443/mqtt' }], capabilities: [],
    });
    expect(codeOf(() => parseEnvAnswer(answer(200, { ...base, authEndpoint: 'http://a' })))).toBe('ENV_BAD_SCHEMA');
    expect(codeOf(() => parseEnvAnswer(answer(200, '[]')))).toBe('ENV_BAD_SCHEMA');
  });

  it.each([
    ['https://mqtt.netdata.cloud/mqtt', 'wss://mqtt.netdata.cloud:443/mqtt'],
    ['https://h:8443/anything', 'wss://h:8443/mqtt'],
    ['https://h', 'wss://h:443/mqtt'],
    ['http://h', 'wss://h:80/mqtt'],
    ['http://h:8080/x', 'wss://h:8080/mqtt'],
    ['h:9443', 'wss://h:9443/mqtt'],
    ['h', 'wss://h:443/mqtt'],
    ['[::1]:9443', 'wss://[::1]:9443/mqtt'],
    ['wss://h:9000/ws', 'wss://h:9000/ws'],
    ['wss://h', 'wss://h:443/mqtt'],
  ])('env: a transport endpoint %s is used as the agent uses it: %s', (endpoint, url) => {
    const base = { authEndpoint: 'https://a/api/v1/auth', encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint }], capabilities: [] };
    expect(parseEnvAnswer(answer(200, base)).transports).toEqual([{ type: 'MQTTv5', endpoint: url }]);
  });

  it.each(['ws://h/mqtt', 'mqtt://h', 'ftp://h', 'https://u:p@h', 'https://', 'a b', '\u001b]0;x'])('env: an endpoint %j alone is ENV_BAD_ENDPOINT naming it', (endpoint) => {
    const base = { authEndpoint: 'https://a/api/v1/auth', encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint }], capabilities: [] };
    const error = (() => {
      try {
        parseEnvAnswer(answer(200, base));
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('expected ENV_BAD_ENDPOINT');
    })();
    expect(error.code).toBe('ENV_BAD_ENDPOINT');
    if (!endpoint.includes(':p@')) expect(error.message).toContain(JSON.stringify(endpoint));
  });

  it('env: backoff minSeconds/maxSeconds are milliseconds on the wire (aclk_tbeb_delay), passed on in seconds', () => {
    const base = { authEndpoint: 'https://a/api/v1/auth', encoding: 'proto', transports: [{ type: 'MQTTv5', endpoint: 'h' }], capabilities: [] };
    expect(parseEnvAnswer(answer(200, { ...base, backoff: { base: 2, minSeconds: 1500, maxSeconds: 60_000 } })).backoff)
      .toEqual({ base: 2, minSeconds: 1.5, maxSeconds: 60 });
  });

  it('cloud error bodies are parsed leniently and never throw', () => {
    expect(parseCloudErrorBody('{"errorMsgKey":"K","errorRetryDelaySeconds":"60","errorNonRetryable":"yes","errorCode":7}')).toEqual({ errorMsgKey: 'K', errorCode: '7' });
    expect(parseCloudErrorBody('{"errorRetryDelaySeconds":1.5}')).toEqual({ errorRetryDelaySeconds: 2 });
    expect(parseCloudErrorBody('{"errorRetryDelaySeconds":-3}')).toBeUndefined();
    fc.assert(fc.property(fc.string(), (text) => {
      expect(() => parseCloudErrorBody(text)).not.toThrow();
    }));
  });
});
