/**
 * The value rules of the configuration (adapters/config/values.ts), one by one, at their edges: what
 * each accepts, what it gives, what it refuses and what the refusal says (a secret is never echoed).
 */
import { describe, expect, it } from 'vitest';
import { MAX_WAIT_SECONDS, rules, type ValueRule } from '../../adapters/config/values.js';

const ok = <T>(rule: ValueRule<T>, raw: string) => rule.check(raw);

describe('configuration value rules', () => {
  it('booleans: netdata\'s words in any case, nothing else', () => {
    for (const word of ['enable', 'Enabled', 'YES', 'true', 'On', '1']) expect(ok(rules.enableDisable, word)).toEqual({ ok: true, value: true });
    for (const word of ['disable', 'DISABLED', 'no', 'False', 'off', '0']) expect(ok(rules.yesNo, word)).toEqual({ ok: true, value: false });
    for (const word of ['y', 'n', '2', 'enable d', 'truth', '']) expect(ok(rules.enableDisable, word).ok).toBe(false);
    expect(ok(rules.yesNo, ' yes ')).toEqual({ ok: true, value: true });
    expect(ok(rules.enableDisable, 'maybe')).toEqual({ ok: false, reason: 'expected "enable" or "disable", got "maybe"' });
  });

  it('whole numbers: digits only, within the bounds', () => {
    const rule = rules.int(1, 10);
    expect(ok(rule, '1')).toEqual({ ok: true, value: 1 });
    expect(ok(rule, '10')).toEqual({ ok: true, value: 10 });
    expect(ok(rule, '007')).toEqual({ ok: true, value: 7 });
    for (const raw of ['0', '11', '-1', '1.5', '1e1', ' 5', '0x5', '']) expect(ok(rule, raw).ok, raw).toBe(false);
    expect(ok(rule, '11')).toEqual({ ok: false, reason: 'expected a whole number from 1 to 10, got "11"' });
    expect(ok(rules.int(0), '9007199254740991')).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    expect(ok(rules.int(0), '9007199254740993').ok).toBe(false);
    expect(ok(rules.int(5), '4')).toEqual({ ok: false, reason: 'expected a whole number >= 5, got "4"' });
  });

  it('seconds: at most what a timer holds', () => {
    expect(ok(rules.seconds(1), String(MAX_WAIT_SECONDS))).toEqual({ ok: true, value: MAX_WAIT_SECONDS });
    expect(ok(rules.seconds(1), String(MAX_WAIT_SECONDS + 1)).ok).toBe(false);
    expect(ok(rules.seconds(1), '0').ok).toBe(false);
  });

  it('cloud URLs: https:// with a host, trailing slashes dropped', () => {
    expect(ok(rules.httpsUrl, 'https://app.netdata.cloud/')).toEqual({ ok: true, value: 'https://app.netdata.cloud' });
    expect(ok(rules.httpsUrl, 'HTTPS://Cloud.Example:8443//')).toEqual({ ok: true, value: 'HTTPS://Cloud.Example:8443' });
    expect(ok(rules.httpsUrl, 'https://[::1]:9443')).toEqual({ ok: true, value: 'https://[::1]:9443' });
    expect(ok(rules.httpsUrl, ' https://a.example/ ')).toEqual({ ok: true, value: 'https://a.example' });
    for (const raw of ['xhttps://app.netdata.cloud', 'http://app.netdata.cloud', 'https:app.netdata.cloud', 'https:/app', 'https://', 'wss://app.netdata.cloud', 'app.netdata.cloud', 'https://exa mple.com'])
      expect(ok(rules.httpsUrl, raw).ok, raw).toBe(false);
  });

  it('UUIDs: any case in, lower case out', () => {
    expect(ok(rules.uuid, 'ABCDEF01-2345-6789-ABCD-EF0123456789')).toEqual({ ok: true, value: 'abcdef01-2345-6789-abcd-ef0123456789' });
    for (const raw of ['abcdef01-2345-6789-abcd-ef012345678', 'abcdef0123456789abcdef0123456789', 'gbcdef01-2345-6789-abcd-ef0123456789', ' abcdef01-2345-6789-abcd-ef0123456789'])
      expect(ok(rules.uuid, raw).ok, raw).toBe(false);
  });

  it('text, secret text, rooms and policies', () => {
    expect(ok(rules.text, 'x')).toEqual({ ok: true, value: 'x' });
    expect(ok(rules.text, '')).toEqual({ ok: false, reason: 'expected a value, got ""' });
    expect(ok(rules.secretText, '')).toEqual({ ok: false, reason: 'expected a value' });
    expect(ok(rules.rooms, ' a, b ,,c ')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(ok(rules.policy, 'Decorrelated')).toEqual({ ok: true, value: 'decorrelated' });
    expect(ok(rules.policy, 'fast')).toEqual({ ok: false, reason: 'expected one of full, equal, decorrelated, none, netdata, got "fast"' });
  });
});
