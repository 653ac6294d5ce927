/** Precedence rules across netdata.conf, cloud.conf, claimed_id, claim.conf and the environment (pure). */
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfigTexts } from '../../adapters/config/index.js';

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OTHER_ID = '11111111-2222-3333-4444-555555555555';

describe('parseConfigTexts', () => {
  it('has sensible defaults when nothing exists', () => {
    expect(parseConfigTexts({}, {})).toEqual({
      enabled: true,
      cloudUrl: 'https://app.netdata.cloud',
      proxy: 'env',
      insecure: false,
      claimId: null,
      backoff: { policy: 'full' },
      autoClaim: null,
    });
  });

  it('claimed: cloud.conf url wins over netdata.conf cloud base url', () => {
    const texts = {
      netdataConf: '[cloud]\ncloud base url = https://base.example\n',
      cloudConf: `[global]\nurl = https://claimed.example/\nclaimed_id = ${ID}\nhostname = node-7\n`,
    };
    expect(parseConfigTexts(texts, {})).toMatchObject({ cloudUrl: 'https://claimed.example', claimId: ID, hostname: 'node-7' });
  });

  it('not claimed: netdata.conf cloud base url is used even if cloud.conf has a url', () => {
    const texts = { netdataConf: '[cloud]\ncloud base url = https://base.example\n', cloudConf: '[global]\nurl = https://old.example\n' };
    expect(parseConfigTexts(texts, {})).toMatchObject({ cloudUrl: 'https://base.example', claimId: null });
  });

  it('proxy and insecure: netdata.conf wins over cloud.conf, which wins over the defaults', () => {
    const cloudConf = '[global]\nproxy = socks5h://gw:1080\ninsecure = yes\n';
    expect(parseConfigTexts({ cloudConf }, {})).toMatchObject({ proxy: 'socks5h://gw:1080', insecure: true });
    const netdataConf = '[cloud]\nproxy = none\ninsecure = no\n';
    expect(parseConfigTexts({ cloudConf, netdataConf }, {})).toMatchObject({ proxy: 'none', insecure: false });
  });

  it('claim id: cloud.conf first, then the claimed_id file (trimmed, lowercased)', () => {
    expect(parseConfigTexts({ claimedId: `  ${OTHER_ID.toUpperCase()}\n` }, {}).claimId).toBe(OTHER_ID);
    expect(parseConfigTexts({ cloudConf: `[global]\nclaimed_id = ${ID}\n`, claimedId: OTHER_ID }, {}).claimId).toBe(ID);
    expect(parseConfigTexts({ claimedId: '\n\n' }, {}).claimId).toBeNull();
  });

  it('a bad claimed_id is only an error when it is read', () => {
    expect(parseConfigTexts({ cloudConf: `[global]\nclaimed_id = ${ID}\n`, claimedId: 'garbage' }, {}).claimId).toBe(ID);
    expect(() => parseConfigTexts({ claimedId: '\n\nnot-a-uuid\n' }, {})).toThrowError(/^claimed_id:3: expected a UUID/);
    expect(() => parseConfigTexts({ cloudConf: '[global]\nclaimed_id = 1234\n' }, {})).toThrowError(ConfigError);
  });

  it('backoff numbers are present only when configured', () => {
    const backoff = parseConfigTexts({ netdataConf: '[cloud]\nbackoff base = 4\n' }, {}).backoff;
    expect(backoff).toEqual({ policy: 'full', base: 4 });
  });

  it('netdata cloud = disable', () => {
    expect(parseConfigTexts({ netdataConf: '[global]\nnetdata cloud = disable\n' }, {}).enabled).toBe(false);
  });
});

describe('auto-claim', () => {
  const claimConf = '[global]\nurl = https://file.example\ntoken = file-token\nrooms = r1, r2,,\nproxy = http://fileproxy:3128\ninsecure = no\n';

  it('is null without a token, even with a url and rooms', () => {
    expect(parseConfigTexts({ claimConf: '[global]\nurl = https://x.example\nrooms = a\n' }, { NETDATA_CLAIM_ROOMS: 'b' }).autoClaim).toBeNull();
  });

  it('comes from claim.conf', () => {
    expect(parseConfigTexts({ claimConf }, {}).autoClaim).toEqual({
      url: 'https://file.example', token: 'file-token', rooms: ['r1', 'r2'], proxy: 'http://fileproxy:3128', insecure: false,
    });
  });

  it('comes from the environment alone, with the cloud base url as the default url', () => {
    const env = { NETDATA_CLAIM_TOKEN: ' env-token ', NETDATA_CLAIM_ROOMS: 'a,b , c', NETDATA_EXTRA_CLAIM_OPTS: '-noreload -insecure' };
    const config = parseConfigTexts({ netdataConf: '[cloud]\ncloud base url = https://base.example\n' }, env);
    expect(config.autoClaim).toEqual({ url: 'https://base.example', token: 'env-token', rooms: ['a', 'b', 'c'], insecure: true });
  });

  it('environment wins over claim.conf field by field', () => {
    const env = { NETDATA_CLAIM_TOKEN: 'env-token', NETDATA_CLAIM_PROXY: 'socks5://envproxy', NETDATA_CLAIM_URL: '' };
    expect(parseConfigTexts({ claimConf }, env).autoClaim).toEqual({
      url: 'https://file.example', token: 'env-token', rooms: ['r1', 'r2'], proxy: 'socks5://envproxy', insecure: false,
    });
    expect(parseConfigTexts({ claimConf }, { NETDATA_CLAIM_URL: 'https://env.example', NETDATA_CLAIM_ROOMS: 'x' }).autoClaim)
      .toMatchObject({ url: 'https://env.example', token: 'file-token', rooms: ['x'] });
  });

  it('-insecure in the environment or insecure = yes in claim.conf turns insecure on', () => {
    expect(parseConfigTexts({ claimConf }, { NETDATA_EXTRA_CLAIM_OPTS: '--insecure' }).autoClaim?.insecure).toBe(true);
    const insecureFile = claimConf.replace('insecure = no', 'insecure = yes');
    expect(parseConfigTexts({ claimConf: insecureFile }, { NETDATA_EXTRA_CLAIM_OPTS: '-verbose' }).autoClaim?.insecure).toBe(true);
  });

  it.each([
    [{ NETDATA_CLAIM_TOKEN: 't', NETDATA_CLAIM_URL: 'not a url' }, 'environment: NETDATA_CLAIM_URL: expected an https:// URL (the cloud is reached over TLS only), got "not a url"'],
    [{ NETDATA_CLAIM_TOKEN: 't', NETDATA_CLAIM_PROXY: 'ftp://p' }, 'environment: NETDATA_CLAIM_PROXY: unsupported proxy scheme "ftp://"'],
  ])('bad environment values are CONFIG_BAD_VALUE naming the variable: %j', (env, message) => {
    expect(() => parseConfigTexts({}, env)).toThrowError(message);
    expect(caught(() => parseConfigTexts({}, env))).toMatchObject({ code: 'CONFIG_BAD_VALUE', file: 'environment' });
  });

  it('a bad claim.conf value names claim.conf and never quotes the token', () => {
    expect(() => parseConfigTexts({ claimConf: '[global]\ntoken = secret-1\nurl = gopher://x\n' }, {}))
      .toThrowError('claim.conf:3: [global] url: expected an https:// URL (the cloud is reached over TLS only), got "gopher://x"');
    const error = caught(() => parseConfigTexts({ claimConf: '[global]\ntoken secret-1\n' }, {}));
    expect(error.code).toBe('CONFIG_SYNTAX');
    expect(error.message).not.toContain('secret-1');
  });
});
