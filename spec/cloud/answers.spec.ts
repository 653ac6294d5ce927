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
      authEndpoint: 'https://a/api/v1/auth', encoding: 'json', transports: [{ type: 'MQTTv5', endpoint: 'wss://b/mqtt' }], capabilities: [],
    });
    expect(codeOf(() => parseEnvAnswer(answer(200, { ...base, authEndpoint: 'http://a' })))).toBe('ENV_BAD_SCHEMA');
    expect(codeOf(() => parseEnvAnswer(answer(200, '[]')))).toBe('ENV_BAD_SCHEMA');
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
