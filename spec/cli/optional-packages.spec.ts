/**
 * Issue 15: the development cloud's and the inspector's packages are optional (not installed for an
 * embedder). Absent, the feature that needs one fails with ONE coded line naming what to install, and
 * opens nothing; present (this checkout), the same commands work (the other CLI specs).
 * The absence is made by a resolve hook (spec/support/hide) that answers as Node does for a package
 * that is not installed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../devcloud/free-port.js';
import { aclk, ensureBuilt, ROOT } from './support.js';

const HOOK = pathToFileURL(join(ROOT, 'spec', 'support', 'hide', 'register.mjs')).href;
const hiding = (packages: string) => ({ NODE_OPTIONS: `--import ${HOOK}`, HIDE_PACKAGES: packages });
const dirs: string[] = [];

beforeAll(async () => ensureBuilt(), 120_000);
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aclk-optional-'));
  dirs.push(dir);
  return dir;
}

describe('optional packages absent: a coded error that says what to install', () => {
  it('aclk cloud --broker aedes without aedes', async () => {
    const result = await aclk(['cloud', '--broker', 'aedes', '--state-dir', await stateDir()], 30_000, hiding('aedes'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^OPTIONAL_PACKAGE_MISSING: the development cloud's embedded broker .* needs the optional package aedes, which is not installed: npm install aedes$/);
  });

  it('aclk cloud without @peculiar/x509 (it generates its certificates)', async () => {
    const result = await aclk(['cloud', '--state-dir', await stateDir()], 30_000, hiding('@peculiar/x509'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/OPTIONAL_PACKAGE_MISSING: .*needs the optional package @peculiar\/x509, which is not installed: npm install @peculiar\/x509 reflect-metadata/);
  });

  it('aclk replay --inspect without @statelyai/inspect: the error, and no port opened', async () => {
    const port = await freePort();
    const scenario = join(ROOT, 'simulations', 'scenarios', 'ban.jsonl');
    const result = await aclk(['replay', scenario, '--inspect', String(port)], 30_000, hiding('@statelyai/inspect'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/OPTIONAL_PACKAGE_MISSING: the live inspector .* needs the optional package @statelyai\/inspect, which is not installed: npm install @statelyai\/inspect/);
    expect(result.stderr).not.toContain(`inspector: http://127.0.0.1:${port}`);
  });

  it('aclk cloud without zod (the development cloud\'s own schemas)', async () => {
    const result = await aclk(['cloud', '--state-dir', await stateDir()], 30_000, hiding('zod'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^OPTIONAL_PACKAGE_MISSING: the development cloud \(aclk cloud, aclk demo\) needs the optional package zod, which is not installed: npm install zod$/);
  });

  it('control: the hook hides only what it is told (aclk replay without --inspect works with aedes hidden)', async () => {
    const scenario = join(ROOT, 'simulations', 'scenarios', 'ban.jsonl');
    const result = await aclk(['replay', scenario, '--verify'], 30_000, hiding('aedes,@peculiar/x509,@statelyai/inspect,zod'));
    expect(result.code).toBe(0);
    expect((await aclk(['state', '--help'], 30_000, hiding('aedes,@peculiar/x509,@statelyai/inspect,zod'))).code).toBe(0);
  });
});
