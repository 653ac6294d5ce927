/**
 * adapters/config, the parts the behaviour specs reach only in passing: the merged LinkConfig exactly
 * (an absent setting is absent, not `undefined`: the backoff numbers are spread over the cloud's env
 * answer, so a present `undefined` would erase the cloud's value), the min/max backoff check, the
 * error's name and location, section-name clipping, a BOM, the claim options' word splitting, which
 * claimed_id wins, and the file names in messages.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildLinkConfig, claimFromEnv, ConfigError, loadConfig, parseClaimedIdFile, parseConfigTexts, parseNetdataConf, readConfigFile, scanIni,
} from '../../adapters/config/index.js';

const ID = '01234567-89ab-4cde-8f01-23456789abcd';
const OTHER = 'fedcba98-7654-4321-8fed-cba987654321';
const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('no error thrown');
};

describe('buildLinkConfig: exactly what is configured', () => {
  it('nothing configured: defaults, and no key for what is not set', () => {
    expect(buildLinkConfig({ netdata: { backoff: {} }, cloud: {}, claimConf: {}, claimEnv: {} })).toStrictEqual({
      enabled: true, cloudUrl: 'https://app.netdata.cloud', proxy: 'env', insecure: false, claimId: null,
      backoff: { policy: 'full' }, autoClaim: null,
    });
  });

  it('everything configured: every value where it belongs', () => {
    const config = buildLinkConfig({
      netdata: { enabled: false, cloudBaseUrl: 'https://base.example', proxy: 'none', insecure: true, caFile: '/ca.pem', backoff: { policy: 'equal', base: 3, minSeconds: 2, maxSeconds: 60, banRetrySeconds: 600 } },
      cloud: { claimId: ID, url: 'https://claimed.example', hostname: 'h1', proxy: 'http://ignored:1', insecure: false },
      claimConf: { token: 'file-token', rooms: ['r1'], url: 'https://claim-file.example', proxy: 'socks5://p:1080', insecure: true },
      claimEnv: {},
    });
    expect(config).toStrictEqual({
      enabled: false, cloudUrl: 'https://claimed.example', proxy: 'none', insecure: true, caFile: '/ca.pem', claimId: ID, hostname: 'h1',
      backoff: { policy: 'equal', base: 3, minSeconds: 2, maxSeconds: 60, banRetrySeconds: 600 },
      autoClaim: { url: 'https://claim-file.example', token: 'file-token', rooms: ['r1'], proxy: 'socks5://p:1080', insecure: true },
    });
  });

  it('cloud.conf fills in what netdata.conf leaves out; the environment wins over claim.conf; claimed_id only without cloud.conf\'s', () => {
    const config = buildLinkConfig({
      netdata: { cloudBaseUrl: 'https://base.example', backoff: { maxSeconds: 30 } },
      cloud: { proxy: 'http://cloud-proxy:3128', insecure: true, url: 'https://unused.example' },
      claimedIdFile: ID,
      claimConf: { token: 'file', rooms: ['a'], url: 'https://f.example', insecure: true },
      claimEnv: { token: 'env', url: 'https://e.example' },
    });
    expect(config).toStrictEqual({
      enabled: true, cloudUrl: 'https://unused.example', proxy: 'http://cloud-proxy:3128', insecure: true, claimId: ID,
      backoff: { policy: 'full', maxSeconds: 30 },
      autoClaim: { url: 'https://e.example', token: 'env', rooms: ['a'], insecure: true },
    });
    const unclaimed = buildLinkConfig({ netdata: { cloudBaseUrl: 'https://base.example', backoff: {} }, cloud: { url: 'https://x.example' }, claimConf: {}, claimEnv: { token: 't' } });
    expect(unclaimed.cloudUrl).toBe('https://base.example');
    expect(unclaimed.autoClaim).toStrictEqual({ url: 'https://base.example', token: 't', rooms: [], insecure: false });
    const claimedNoUrl = buildLinkConfig({ netdata: { cloudBaseUrl: 'https://base.example', backoff: {} }, cloud: { claimId: ID }, claimConf: {}, claimEnv: {} });
    expect(claimedNoUrl.cloudUrl).toBe('https://base.example');
    const cloudWins = buildLinkConfig({ netdata: { backoff: {} }, cloud: { claimId: ID }, claimedIdFile: OTHER, claimConf: {}, claimEnv: {} });
    expect(cloudWins.claimId).toBe(ID);
  });
});

describe('netdata.conf backoff bounds', () => {
  const conf = (lines: string) => `[cloud]\n${lines}`;
  it('max below min is CONFIG_BAD_VALUE on the max line; equal, or only one of them, is fine', () => {
    const error = thrown(() => parseNetdataConf(conf('backoff min seconds = 10\n\nbackoff max seconds = 5\n'), 'netdata.conf'));
    expect([error.code, error.line, error.section, error.key]).toEqual(['CONFIG_BAD_VALUE', 4, 'cloud', 'backoff max seconds']);
    expect(error.message).toBe('netdata.conf:4: [cloud] backoff max seconds: must be at least "backoff min seconds" (10), got 5');
    expect(parseNetdataConf(conf('backoff min seconds = 5\nbackoff max seconds = 5\n'), 'n').backoff).toMatchObject({ minSeconds: 5, maxSeconds: 5 });
    expect(parseNetdataConf(conf('backoff max seconds = 1\n'), 'n').backoff.maxSeconds).toBe(1);
    expect(parseNetdataConf(conf('backoff min seconds = 900\n'), 'n').backoff.minSeconds).toBe(900);
  });
});

describe('errors, INI details and the environment', () => {
  it('a ConfigError is named, and carries only the location it was given', () => {
    const error = new ConfigError('CONFIG_SYNTAX', { file: 'f.conf' }, 'bad');
    expect([error.name, error.message, error.file]).toEqual(['ConfigError', 'f.conf: bad', 'f.conf']);
    expect(new ConfigError('X', { file: 'f', line: 3, key: 'k' }, 'd').message).toBe('f:3: k: d');
  });

  it('section names are clipped to 60 characters in messages; a BOM is not part of the first line', () => {
    const at60 = 'a'.repeat(60);
    expect(thrown(() => scanIni(`[${at60}] x\n`, 'f')).message).toBe(`f:1: unexpected text after "[${at60}]"`);
    expect(thrown(() => scanIni(`[${'b'.repeat(61)}] x\n`, 'f')).message).toBe(`f:1: unexpected text after "[${'b'.repeat(57)}...]"`);
    expect(scanIni('\uFEFF[global]\nk = v\n', 'f').get('global', 'k')?.value).toBe('v');
    expect(parseClaimedIdFile(`\uFEFF${ID.toUpperCase()}\n`, 'claimed_id')).toBe(ID);
    expect(thrown(() => parseClaimedIdFile(`${ID.slice(0, 8)}\uFEFF${ID.slice(8)}`, 'claimed_id')).code).toBe('CONFIG_BAD_VALUE');
    const doc = scanIni('[g]\nk = a\uFEFFb\n', 'f');
    expect(doc.get('g', 'k')?.value).toBe('a\uFEFFb');
    expect(doc.lines('g', 'absent')).toEqual([]);
    expect(doc.lines('nope', 'k')).toEqual([]);
    expect(doc.lines('g', 'k')).toEqual([2]);
  });

  it('NETDATA_EXTRA_CLAIM_OPTS is split on any whitespace', () => {
    expect(claimFromEnv({ NETDATA_EXTRA_CLAIM_OPTS: '-id=x\t-insecure' }).insecure).toBe(true);
    expect(claimFromEnv({ NETDATA_EXTRA_CLAIM_OPTS: '-id=x   --insecure -noreload' }).insecure).toBe(true);
    expect(claimFromEnv({ NETDATA_EXTRA_CLAIM_OPTS: '-insecurely' }).insecure).toBeUndefined();
  });

  it('messages name the file by its base name', () => {
    expect(thrown(() => parseConfigTexts({ netdataConf: '[cloud]\nbackoff policy = fast\n' }, {})).message).toMatch(/^netdata\.conf:2: /);
    expect(thrown(() => parseConfigTexts({ cloudConf: '[global]\nclaimed_id = nope\n' }, {})).message).toMatch(/^cloud\.conf:2: /);
  });
});

describe('files', () => {
  const dirs: string[] = [];
  afterEach(async () => { for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true }); });
  const temp = async () => { const d = await mkdtemp(join(tmpdir(), 'aclk-config-parts-')); dirs.push(d); return d; };

  it('a path that cannot be read is CONFIG_UNREADABLE with the reason; a directory is refused as not regular', async () => {
    const dir = await temp();
    await writeFile(join(dir, 'file'), 'x');
    const unreadable = await readConfigFile(join(dir, 'file', 'below')).then(() => null, (e: unknown) => e as ConfigError);
    expect(unreadable?.code).toBe('CONFIG_UNREADABLE');
    expect(unreadable?.message).toMatch(/: cannot read the file \(.+\)$/);
    expect(unreadable?.cause).toBeDefined();
    const refused = await readConfigFile(dir).then(() => null, (e: unknown) => e as ConfigError);
    expect(refused?.code).toBe('CONFIG_NOT_REGULAR_FILE');
    expect(refused?.message).toMatch(/: refused: /);
  });

  it('a claim id in cloud.conf: claimed_id is not even read (a broken one does not matter)', async () => {
    const cloudDir = await temp();
    await writeFile(join(cloudDir, 'cloud.conf'), `[global]\nclaimed_id = ${ID}\n`);
    await writeFile(join(cloudDir, 'claimed_id'), 'not a uuid\n');
    expect((await loadConfig({ cloudDir }, {})).claimId).toBe(ID);
    await rm(join(cloudDir, 'cloud.conf'));
    await expect(loadConfig({ cloudDir }, {})).rejects.toMatchObject({ code: 'CONFIG_BAD_VALUE' });
  });
});
