/** Files on disk: missing files, unreadable ones, claimed_id fallback, reload on demand, the identity store. */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, fileConfigSource, fileIdentityStore, loadConfig } from '../../adapters/config/index.js';

const ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
let dir: string;
let cloudDir: string;
let paths: { netdataConf: string; cloudDir: string; claimConf: string };

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aclk-config-'));
  cloudDir = join(dir, 'cloud.d');
  paths = { netdataConf: join(dir, 'netdata.conf'), cloudDir, claimConf: join(dir, 'claim.conf') };
  // The files the tests name exist (empty: defaults); a named file that is missing is CONFIG_MISSING.
  await writeFile(paths.netdataConf, '');
  await writeFile(paths.claimConf, '');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('uses defaults when the named files are empty, or none is named, and cloud.d does not exist', async () => {
    expect(await loadConfig(paths, {})).toMatchObject({ enabled: true, cloudUrl: 'https://app.netdata.cloud', proxy: 'env', claimId: null, autoClaim: null });
    expect(await loadConfig({ cloudDir }, {})).toMatchObject({ enabled: true, claimId: null });
  });

  it.each(['netdataConf', 'claimConf'] as const)('a named %s that does not exist is CONFIG_MISSING, never the defaults', async (which) => {
    await rm(paths[which]);
    const error = await rejection(loadConfig(paths, {}));
    expect(error).toMatchObject({ code: 'CONFIG_MISSING', file: paths[which] });
    expect(error.message).toBe(`${paths[which]}: the file was given but does not exist (the link stays disabled until it is back)`);
  });

  it('reads all files together', async () => {
    await mkdir(cloudDir);
    await writeFile(paths.netdataConf, '[global]\n    netdata cloud = enable\n[cloud]\n    proxy = socks5h://127.0.0.1:9050\n');
    await writeFile(join(cloudDir, 'cloud.conf'), `[global]\n  url = https://claimed.example\n  claimed_id = ${ID}\n`);
    await writeFile(paths.claimConf, '[global]\ntoken = tok\nrooms = r\n');
    expect(await loadConfig(paths, {})).toMatchObject({
      cloudUrl: 'https://claimed.example', proxy: 'socks5h://127.0.0.1:9050', claimId: ID,
      autoClaim: { token: 'tok', rooms: ['r'], url: 'https://app.netdata.cloud', insecure: false },
    });
  });

  it('falls back to the claimed_id file when cloud.conf has no claimed_id', async () => {
    await mkdir(cloudDir);
    await writeFile(join(cloudDir, 'cloud.conf'), '[global]\n  proxy = none\n');
    await writeFile(join(cloudDir, 'claimed_id'), `${ID}\n`);
    expect(await loadConfig(paths, {})).toMatchObject({ claimId: ID, proxy: 'none' });
  });

  it('names the full path and line in errors', async () => {
    await writeFile(paths.netdataConf, '[global]\n\n  netdata cloud = maybe\n');
    const error = await rejection(loadConfig(paths, {}));
    expect(error.message).toBe(`${paths.netdataConf}:3: [global] netdata cloud: expected "enable" or "disable", got "maybe"`);
    expect(error).toMatchObject({ code: 'CONFIG_BAD_VALUE', file: paths.netdataConf, line: 3, key: 'netdata cloud' });
  });

  it.each(['netdataConf', 'claimConf'] as const)('a directory in place of %s is CONFIG_NOT_REGULAR_FILE', async (which) => {
    await rm(paths[which]);
    await mkdir(paths[which]);
    const error = await rejection(loadConfig(paths, {}));
    expect(error).toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', file: paths[which] });
    expect(error.message).toContain('it is a directory');
  });

  it.each(['cloud.conf', 'claimed_id'])('a directory in place of cloud.d/%s is CONFIG_NOT_REGULAR_FILE', async (name) => {
    await mkdir(join(cloudDir, name), { recursive: true });
    expect((await rejection(loadConfig(paths, {}))).code).toBe('CONFIG_NOT_REGULAR_FILE');
  });

  it('a malformed claim.conf is CONFIG_SYNTAX', async () => {
    await writeFile(paths.claimConf, '[global\ntoken = x\n');
    expect(await rejection(loadConfig(paths, {}))).toMatchObject({ code: 'CONFIG_SYNTAX', file: paths.claimConf, line: 1 });
  });

  it('the environment provides auto-claim', async () => {
    const env = { NETDATA_CLAIM_TOKEN: 'env-token', NETDATA_CLAIM_URL: 'https://env.example', NETDATA_CLAIM_ROOMS: 'a,b' };
    expect((await loadConfig(paths, env)).autoClaim).toEqual({ url: 'https://env.example', token: 'env-token', rooms: ['a', 'b'], insecure: false });
  });
});

describe('fileConfigSource', () => {
  it('re-reads the files on every load()', async () => {
    const source = fileConfigSource(paths, {});
    expect((await source.load()).enabled).toBe(true);
    await writeFile(paths.netdataConf, '[global]\nnetdata cloud = disable\n');
    expect((await source.load()).enabled).toBe(false);
    await writeFile(paths.netdataConf, '[global]\nnetdata cloud = sometimes\n');
    expect((await rejection(source.load())).code).toBe('CONFIG_BAD_VALUE');
  });

  it('a netdata.conf that disabled the cloud and is then moved away is CONFIG_MISSING on reload, not enabled', async () => {
    const source = fileConfigSource(paths, {});
    await writeFile(paths.netdataConf, '[global]\nnetdata cloud = disable\n');
    expect((await source.load()).enabled).toBe(false);
    await rename(paths.netdataConf, join(dir, 'elsewhere.conf'));
    expect((await rejection(source.load())).code).toBe('CONFIG_MISSING');
  });
});

describe('fileIdentityStore', () => {
  it('reads the claim id on every call: none, claimed_id, then cloud.conf', async () => {
    const store = fileIdentityStore(cloudDir);
    expect(await store.claimId()).toBeNull();
    await mkdir(cloudDir);
    await writeFile(join(cloudDir, 'claimed_id'), ` ${ID} `);
    expect(await store.claimId()).toBe(ID);
    const other = '12345678-1234-1234-1234-123456789abc';
    await writeFile(join(cloudDir, 'cloud.conf'), `[global]\nclaimed_id = ${other}\n`);
    expect(await store.claimId()).toBe(other);
  });

  it('rejects an invalid claim id with CONFIG_BAD_VALUE', async () => {
    await mkdir(cloudDir);
    await writeFile(join(cloudDir, 'claimed_id'), 'xyz');
    expect((await rejection(fileIdentityStore(cloudDir).claimId())).code).toBe('CONFIG_BAD_VALUE');
  });
});
