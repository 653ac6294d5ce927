/**
 * link/recording-sanitize.ts, value by value: what `clean()` gives for each JavaScript type, how keys
 * and pseudonyms are handled, what `failure()` keeps of an error, and the string rules' edges (the
 * Authorization header of each scheme, Bearer tokens). The secret-leak probes are in
 * spec/replay/sanitize-values.spec.ts; these pin the rest.
 */
import { describe, expect, it } from 'vitest';
import { isSecretKey, sanitizeString, Sanitizer } from '../../link/recording-sanitize.js';

describe('Sanitizer.clean', () => {
  it('each type: strings, numbers, booleans, null, and what JSON drops', () => {
    const s = new Sanitizer();
    expect(s.clean('plain')).toBe('plain');
    expect(s.clean(12.5)).toBe(12.5);
    expect(s.clean(Number.NaN)).toBeNull();
    expect(s.clean(Number.POSITIVE_INFINITY)).toBeNull();
    expect(s.clean(true)).toBe(true);
    expect(s.clean(false)).toBe(false);
    expect(s.clean(null)).toBeNull();
    expect(s.clean(undefined)).toBeUndefined();
    expect(s.clean(() => 1)).toBeUndefined();
    expect(s.clean(Symbol('x'))).toBeUndefined();
    expect(s.clean(10n)).toBeUndefined();
    expect(s.clean(new Uint8Array(3))).toBe('[3 bytes]');
    expect(s.clean([1, undefined, 'a', () => 0])).toEqual([1, null, 'a', null]);
  });

  it('objects: secret keys dropped, undefined values left out, toJSON honoured, depth bounded at 12', () => {
    const s = new Sanitizer();
    expect(s.clean({ a: 1, password: 'x', skip: undefined, f: () => 0, nested: { token: 't', b: false } })).toStrictEqual({ a: 1, nested: { b: false } });
    const cyclic: { toJSON(): unknown } = { toJSON: () => ({ again: cyclic }) };
    expect(JSON.stringify(s.clean(cyclic))).toBe(`${'{"again":'.repeat(6)}"[too deep]"${'}'.repeat(6)}`);
    expect(s.clean({ snapshot: { toJSON: () => ({ value: 'online', secret: 's' }) } })).toEqual({ snapshot: { value: 'online' } });
    let deep: unknown = 'leaf';
    for (let i = 0; i < 12; i += 1) deep = { d: deep };
    expect(JSON.stringify(s.clean(deep))).toBe(`${'{"d":'.repeat(12)}"leaf"${'}'.repeat(12)}`);
    expect(JSON.stringify(s.clean({ d: deep }))).toBe(`${'{"d":'.repeat(13)}"[too deep]"${'}'.repeat(13)}`);
  });

  it('connectionKey becomes a pseudonym, stable within one sanitiser and fresh in another', () => {
    const s = new Sanitizer();
    expect(s.clean({ connectionKey: 'k-one' })).toEqual({ connectionKey: 'c1' });
    expect(s.clean({ connectionKey: 'k-two' })).toEqual({ connectionKey: 'c2' });
    expect(s.clean({ settings: { connectionKey: 'k-one' } })).toEqual({ settings: { connectionKey: 'c1' } });
    expect(new Sanitizer().clean({ connectionKey: 'k-two' })).toEqual({ connectionKey: 'c1' });
    expect(s.clean({ connectionKey: 5 })).toEqual({ connectionKey: 5 });
    expect(isSecretKey('connectionKey')).toBe(false);
    expect(isSecretKey('errorMsgKey')).toBe(false);
    expect(isSecretKey('key')).toBe(true);
    expect(isSecretKey('monkey')).toBe(false);
  });
});

describe('Sanitizer.failure', () => {
  it('keeps code, sanitised message, at, httpStatus and the cloud fields the statechart reads', () => {
    const s = new Sanitizer();
    const error = Object.assign(new Error('GET https://u:p@cloud/x failed'), {
      code: 'ENV_NOT_200', at: 5, httpStatus: 503, extra: 'dropped',
      cloud: { errorCode: 'E1', errorMsgKey: 'busy', errorMessage: 'try later', errorNonRetryable: false, errorRetryDelaySeconds: 30, other: 'x', token: 't' },
    });
    expect(s.failure(error)).toStrictEqual({
      code: 'ENV_NOT_200', message: 'GET https://cloud/x failed', at: 5, httpStatus: 503,
      cloud: { errorCode: 'E1', errorMsgKey: 'busy', errorMessage: 'try later', errorNonRetryable: false, errorRetryDelaySeconds: 30 },
    });
  });

  it('anything else: INTERNAL with its text; no cloud unless it is an object', () => {
    const s = new Sanitizer();
    expect(s.failure('boom')).toStrictEqual({ code: 'INTERNAL', message: 'boom' });
    expect(s.failure({ code: 'X', message: 'm', at: undefined, cloud: { errorCode: undefined } })).toStrictEqual({ code: 'X', message: 'm', cloud: {} });
    expect(s.failure(null)).toEqual({ code: 'INTERNAL', message: 'null' });
    expect(s.failure({ code: 7, message: 3 })).toEqual({ code: 'INTERNAL', message: '[object Object]' });
    expect(s.failure({ code: 'X', message: 'm', cloud: null })).toEqual({ code: 'X', message: 'm' });
    expect(s.failure({ code: 'X', message: 'm', cloud: 'text' })).toEqual({ code: 'X', message: 'm' });
    expect(s.failure({ code: 'X', message: 'm', cloud: {} })).toEqual({ code: 'X', message: 'm', cloud: {} });
  });
});

describe('sanitizeString', () => {
  it('Authorization of each scheme: a one-token scheme keeps what follows its token, any other loses the line', () => {
    expect(sanitizeString('Authorization: Bearer abc.def next')).toBe('Authorization: Bearer [redacted] next');
    expect(sanitizeString('authorization=BASIC dXNlcjpwYXNz, more')).toBe('authorization=BASIC [redacted], more');
    expect(sanitizeString('Proxy-Authorization: Token t0k3n')).toBe('Proxy-Authorization: Token [redacted]');
    expect(sanitizeString('Authorization: Bearer ;abc')).toBe('Authorization: Bearer [redacted];abc');
    expect(sanitizeString('Authorization: Digest username="u", response="r"\nnext line')).toBe('Authorization: Digest [redacted]\nnext line');
  });

  it('Bearer tokens of 8 characters or more, in any case', () => {
    expect(sanitizeString('BEARER abcdefgh')).toBe('BEARER [redacted]');
    expect(sanitizeString('xbearer abcdefgh/+=~')).toBe('xbearer [redacted]');
    expect(sanitizeString('bearer short')).toBe('bearer short');
  });

  it('strings without a marker are returned as they are; URLs lose only their userinfo', () => {
    expect(sanitizeString('no secret here: https://host/path')).toBe('no secret here: https://host/path');
    expect(sanitizeString('mail me@host')).toBe('mail me@host');
    expect(sanitizeString('via socks5h://u:p@w@proxy:1080 then http://a@b')).toBe('via socks5h://proxy:1080 then http://b');
  });
});
