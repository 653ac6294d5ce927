/**
 * `disableCloud`: the link is inert and no network module is ever loaded. Proved in a child node
 * process whose ES loader records every resolved module (support/load-recorder.mjs), against the built
 * dist/. Controls: an enabled but unclaimed link loads none either; a claimed link that connects does
 * load them (so the check can fail).
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestResources, claimTestNode, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { builtModule } from './support/dist.js';

const NETWORK_MODULES = [
  '/node_modules/mqtt/', '/node_modules/ws/', '/node_modules/https-proxy-agent/', '/node_modules/socks-proxy-agent/',
  '/node_modules/agent-base/', '/node_modules/socks/', '/dist/adapters/mqtt/', '/dist/adapters/cloud-api/',
  '/dist/adapters/proxy/agent.js', '/dist/adapters/proxy/http-tunnel.js', '/dist/adapters/proxy/socks-tunnel.js', '/dist/adapters/claim/',
];

/** Not network modules, but not needed before the link connects either (issue 15: import cost). */
const DEFERRED_MODULES = ['/node_modules/rxjs/', '/node_modules/@bufbuild/protobuf/', '/dist/adapters/messages/wire.js', '/dist/link/node-wire.js'];
/** Only the development cloud uses these (optional packages): the link never loads them. */
const NEVER_LOADED = ['/node_modules/zod/', '/node_modules/aedes/', '/node_modules/@peculiar/', '/node_modules/@statelyai/', '/dist/devcloud/'];

interface ChildResult {
  readonly top: string;
  readonly reasonCode: string;
  readonly online: boolean;
  readonly available: boolean;
  /** Every module resolved by the ES loader, plus every CommonJS module in require.cache. */
  readonly loaded: string[];
}

let modulePath = '';
beforeAll(async () => {
  modulePath = pathToFileURL(await builtModule('index.js')).href; // the package root, as a host imports it
}, 120_000);
afterEach(cleanupTestResources);

async function runChild(options: Record<string, unknown>, waitOnlineMs = 0): Promise<ChildResult> {
  const dir = await makeTempDir('aclk-child-');
  const log = join(dir, 'loaded.txt');
  await writeFile(log, '');
  const support = join(import.meta.dirname, 'support');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', pathToFileURL(join(support, 'load-recorder.mjs')).href, join(support, 'run-link.mjs')], {
    env: { ...process.env, ACLK_LOAD_LOG: log, ACLK_CHILD: JSON.stringify({ module: modulePath, options, waitOnlineMs }) },
    timeout: 30_000,
  });
  const result = JSON.parse(stdout) as Omit<ChildResult, 'loaded'> & { cjs: string[] };
  const esm = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { ...result, loaded: [...esm, ...result.cjs.map((p) => pathToFileURL(p).href)] };
}

const networkLoaded = (loaded: string[]): string[] => NETWORK_MODULES.filter((m) => loaded.some((url) => url.includes(m)));
const deferredLoaded = (loaded: string[]): string[] => DEFERRED_MODULES.filter((m) => loaded.some((url) => url.includes(m)));
const neverLoaded = (loaded: string[]): string[] => NEVER_LOADED.filter((m) => loaded.some((url) => url.includes(m)));

describe('disableCloud: inert, no network module loaded (child process)', () => {
  it('a disabled link is `disabled` with CLOUD_DISABLED_BY_BUILD and loads no network module', async () => {
    const cloudDir = join(await makeTempDir(), 'cloud.d');
    const result = await runChild({ cloudDir, disableCloud: true, env: { NETDATA_CLAIM_TOKEN: 'x', https_proxy: 'http://127.0.0.1:9' } });
    expect(result).toMatchObject({ top: 'disabled', reasonCode: 'CLOUD_DISABLED_BY_BUILD', online: false, available: false });
    expect(result.loaded.some((url) => url.includes('/dist/link/cloud-link.js'))).toBe(true);
    expect(networkLoaded(result.loaded)).toEqual([]);
    expect(deferredLoaded(result.loaded)).toEqual([]);
  });

  it('control: an enabled, unclaimed link loads none either (it has nothing to connect to)', async () => {
    const cloudDir = join(await makeTempDir(), 'cloud.d');
    const result = await runChild({ cloudDir, env: {} });
    expect(result).toMatchObject({ top: 'unclaimed', reasonCode: 'NOT_CLAIMED' });
    expect(networkLoaded(result.loaded)).toEqual([]);
    expect(deferredLoaded(result.loaded)).toEqual([]);
  });

  it('control: a claimed link that connects does load them (the check can fail)', async () => {
    const { cloud } = await startTestCloud();
    const { cloudDir } = await claimTestNode(cloud);
    const result = await runChild({ cloudDir, ca: cloud.caPath, env: {} }, 20_000);
    expect(result).toMatchObject({ top: 'connected', online: true });
    expect(networkLoaded(result.loaded)).toEqual(expect.arrayContaining(['/node_modules/mqtt/', '/node_modules/ws/', '/dist/adapters/mqtt/', '/dist/adapters/cloud-api/', '/dist/adapters/proxy/agent.js']));
    expect(deferredLoaded(result.loaded)).toEqual(DEFERRED_MODULES);
    expect(neverLoaded(result.loaded)).toEqual([]);
  });
});
