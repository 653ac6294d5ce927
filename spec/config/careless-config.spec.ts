/**
 * Issue 13, item 7: configuration that used to be accepted silently, and what it gives now. Each
 * case names the file, the line and the key; none of them can leave the cloud on by accident.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseClaimConf, parseCloudConf, parseConfigTexts, parseNetdataConf } from '../../adapters/config/index.js';

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('a repeated key is CONFIG_DUPLICATE_KEY, not "the last one wins"', () => {
  it('in the same section', () => {
    const error = failure(() => parseNetdataConf('[global]\nnetdata cloud = disable\nnetdata cloud = enable\n', 'netdata.conf'));
    expect(error).toMatchObject({ code: 'CONFIG_DUPLICATE_KEY', line: 3, section: 'global', key: 'netdata cloud' });
    expect(error.message).toBe('netdata.conf:3: [global] netdata cloud: set again (first on line 2); remove one of them: the link does not guess which one counts');
  });

  it('in a repeated [global] further down', () => {
    const text = '[global]\n  netdata cloud = disable\n[web]\n  mode = none\n[global]\n  netdata cloud = enable\n';
    expect(failure(() => parseNetdataConf(text, 'netdata.conf'))).toMatchObject({ code: 'CONFIG_DUPLICATE_KEY', line: 6 });
  });

  it('even with the same value twice, and in claim.conf and cloud.conf too (the token is never quoted)', () => {
    expect(failure(() => parseNetdataConf('[cloud]\nproxy = none\nproxy = none\n', 'n')).code).toBe('CONFIG_DUPLICATE_KEY');
    const claim = failure(() => parseClaimConf('[global]\ntoken = s3cr3t-a\ntoken = s3cr3t-b\n', 'claim.conf'));
    expect(claim).toMatchObject({ code: 'CONFIG_DUPLICATE_KEY', key: 'token', line: 3 });
    expect(claim.message).not.toMatch(/s3cr3t/);
    expect(failure(() => parseCloudConf('[global]\nclaimed_id = 0123abcd-0000-4000-8000-0123456789ab\n[global]\nclaimed_id = 0123abcd-0000-4000-8000-0123456789ac\n', 'cloud.conf')).code)
      .toBe('CONFIG_DUPLICATE_KEY');
  });

  it('keys the link does not read may repeat (netdata.conf is shared with the whole agent)', () => {
    expect(parseNetdataConf('[global]\nhostname = a\nhostname = b\nnetdata cloud = disable\n', 'n').enabled).toBe(false);
  });
});

describe('a key of ours in the wrong section is CONFIG_MISPLACED_KEY, not ignored', () => {
  it('`netdata cloud = disable` under [cloud] (it used to leave the cloud on)', () => {
    const error = failure(() => parseNetdataConf('[cloud]\n  netdata cloud = disable\n', 'netdata.conf'));
    expect(error).toMatchObject({ code: 'CONFIG_MISPLACED_KEY', line: 2, section: 'cloud', key: 'netdata cloud' });
    expect(error.message).toBe('netdata.conf:2: [cloud] netdata cloud: belongs in [global]; here it would be ignored');
  });

  it.each(['url = https://x.example', 'token = t0k3n', 'rooms = r1', 'proxy = none', 'insecure = no'])('claim.conf `%s` under [claim]', (line) => {
    const error = failure(() => parseClaimConf(`[claim]\n${line}\n`, 'claim.conf'));
    expect(error).toMatchObject({ code: 'CONFIG_MISPLACED_KEY', line: 2, section: 'claim' });
    expect(error.message).not.toContain('t0k3n');
  });

  it('cloud.conf `claimed_id` outside [global]', () => {
    expect(failure(() => parseCloudConf('[cloud]\nclaimed_id = 0123abcd-0000-4000-8000-0123456789ab\n', 'cloud.conf')).code).toBe('CONFIG_MISPLACED_KEY');
  });
});

describe('control characters in a value are CONFIG_BAD_VALUE (they would reach the cloud or a terminal)', () => {
  it.each(['r1,\u001b[2Jr2', 'r1\u0007', 'r1\u0085', 'r\u007f1'])('rooms in claim.conf: %j', (rooms) => {
    expect(failure(() => parseClaimConf(`[global]\ntoken = t\nrooms = ${rooms}\n`, 'claim.conf')))
      .toMatchObject({ code: 'CONFIG_BAD_VALUE', key: 'rooms', line: 3 });
  });

  it('NETDATA_CLAIM_ROOMS with a newline or an escape, naming the variable', () => {
    for (const rooms of ['a\nb', 'a\u001b]0;x\u0007']) {
      const error = failure(() => parseConfigTexts({}, { NETDATA_CLAIM_TOKEN: 't', NETDATA_CLAIM_ROOMS: rooms }));
      expect(error).toMatchObject({ code: 'CONFIG_BAD_VALUE', file: 'environment', key: 'NETDATA_CLAIM_ROOMS' });
      expect(error.message).toBe('environment: NETDATA_CLAIM_ROOMS: contains a control character');
    }
  });

  it('a TAB inside a value is still fine', () => {
    expect(parseClaimConf('[global]\ntoken = t\nrooms = a,\tb\n', 'claim.conf').rooms).toEqual(['a', 'b']);
  });
});

describe('the cloud is reached over https only', () => {
  it.each([
    ['netdata.conf', () => parseNetdataConf('[cloud]\ncloud base url = http://cloud.example\n', 'netdata.conf')],
    ['cloud.conf', () => parseCloudConf('[global]\nurl = http://cloud.example:8080\n', 'cloud.conf')],
    ['claim.conf', () => parseClaimConf('[global]\nurl = http://cloud.example\n', 'claim.conf')],
    ['environment', () => parseConfigTexts({}, { NETDATA_CLAIM_TOKEN: 't', NETDATA_CLAIM_URL: 'http://cloud.example' })],
  ])('an http:// URL in %s is CONFIG_BAD_VALUE (it used to be retried forever as NETWORK_ERROR)', (_where, run) => {
    const error = failure(run);
    expect(error.code).toBe('CONFIG_BAD_VALUE');
    expect(error.message).toContain('expected an https:// URL (the cloud is reached over TLS only), got "http://cloud.example');
  });
});
