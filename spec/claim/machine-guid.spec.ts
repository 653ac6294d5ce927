/**
 * Issue 12: the machine GUID (adapters/identity/machine-guid.ts): netdata's
 * `<varlib>/registry/netdata.public.unique.id`, created once (atomically, 0644, 36 characters) and
 * reused; a file that is there but wrong is a coded error and is never replaced.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultMachineGuidFile, loadOrCreateMachineGuid, normalizeMachineGuid, resolveMachineGuid,
} from '../../adapters/identity/machine-guid.js';
import { LinkError } from '../../effects/errors.js';
import { cleanupTestResources, makeTempDir } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LinkError);
  return (error as LinkError).code;
}

describe('machine GUID file', () => {
  it('is created once (UUIDv4, 36 characters, mode 0644, registry dir 0770) and reused', async () => {
    const root = await makeTempDir('aclk-guid-');
    const file = join(root, 'lib', 'registry', 'netdata.public.unique.id');
    let made = 0;
    const newGuid = () => { made += 1; return 'C0FFEE00-1234-4abc-8def-0123456789AB'; };
    const first = await loadOrCreateMachineGuid(file, { newGuid });
    expect(first).toBe('c0ffee00-1234-4abc-8def-0123456789ab');
    expect(await readFile(file, 'utf8')).toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    // 0770 as netdata's mkdir, narrowed by the umask as netdata's is.
    expect((await stat(join(root, 'lib', 'registry'))).mode & 0o777).toBe(0o770 & ~process.umask());
    expect(await loadOrCreateMachineGuid(file, { newGuid })).toBe(first);
    expect(made).toBe(1);
    // No temporary file is left behind.
    expect(await readdir(join(root, 'lib', 'registry'))).toEqual(['netdata.public.unique.id']);
  });

  it('a real new GUID is a random UUIDv4', async () => {
    const file = join(await makeTempDir('aclk-guid-'), 'id');
    expect(await loadOrCreateMachineGuid(file)).toMatch(V4);
  });

  it('reads the agent\'s file: whitespace trimmed, lower-cased', async () => {
    const file = join(await makeTempDir('aclk-guid-'), 'id');
    await writeFile(file, '  3F2504E0-4F89-11D3-9A0C-0305E82C3301\n');
    expect(await loadOrCreateMachineGuid(file)).toBe('3f2504e0-4f89-11d3-9a0c-0305e82c3301');
  });

  it.each([
    ['not a uuid', 'hello world\n'],
    ['two uuids', '3f2504e0-4f89-11d3-9a0c-0305e82c3301 3f2504e0-4f89-11d3-9a0c-0305e82c3302'],
    ['empty', ''],
    ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
    ['a GUID the agent blacklists', '8a795b0c-2311-11e6-8563-000c295076a6'],
    ['too large', `${'3f2504e0-4f89-11d3-9a0c-0305e82c3301'}${' '.repeat(5000)}`],
  ])('%s: MACHINE_GUID_INVALID, and the file is left as it is', async (_name, content) => {
    const file = join(await makeTempDir('aclk-guid-'), 'id');
    await writeFile(file, content);
    expect(await codeOf(loadOrCreateMachineGuid(file))).toBe('MACHINE_GUID_INVALID');
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('a directory or a FIFO at the path is MACHINE_GUID_INVALID, read without blocking', async () => {
    const dir = await makeTempDir('aclk-guid-');
    await mkdir(join(dir, 'adir'));
    expect(await codeOf(loadOrCreateMachineGuid(join(dir, 'adir')))).toBe('MACHINE_GUID_INVALID');
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(await codeOf(loadOrCreateMachineGuid(join(dir, 'fifo')))).toBe('MACHINE_GUID_INVALID');
  });

  it('a directory that cannot be made is MACHINE_GUID_WRITE_FAILED; a path through a file is MACHINE_GUID_UNREADABLE', async () => {
    // /proc refuses new directories (ENOENT): see adapters/fs/make-dirs.ts.
    expect(await codeOf(loadOrCreateMachineGuid(join('/proc', String(process.pid), 'x.d', 'id')))).toBe('MACHINE_GUID_WRITE_FAILED');
    const dir = await makeTempDir('aclk-guid-');
    await writeFile(join(dir, 'plain'), 'x');
    expect(await codeOf(loadOrCreateMachineGuid(join(dir, 'plain', 'registry', 'id')))).toBe('MACHINE_GUID_UNREADABLE');
  });

  it('two creators at once agree on one GUID (no clobbering)', async () => {
    const file = join(await makeTempDir('aclk-guid-'), 'registry', 'id');
    const guids = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
    const results = await Promise.all(guids.map((g) => loadOrCreateMachineGuid(file, { newGuid: () => g })));
    expect(new Set(results).size).toBe(1);
    expect(await readFile(file, 'utf8')).toBe(results[0]);
  });
});

describe('machine GUID sources', () => {
  it('defaults to <cloud-dir>/../registry/netdata.public.unique.id (netdata\'s layout)', () => {
    expect(defaultMachineGuidFile('/var/lib/netdata/cloud.d')).toBe('/var/lib/netdata/registry/netdata.public.unique.id');
    expect(defaultMachineGuidFile('/var/lib/netdata/cloud.d/')).toBe('/var/lib/netdata/registry/netdata.public.unique.id');
  });

  it('a given value is checked and used; no file is read or written', async () => {
    const cloudDir = join(await makeTempDir('aclk-guid-'), 'cloud.d');
    expect(await resolveMachineGuid({ cloudDir, machineGuid: 'ABCDEF00-0000-4000-8000-000000000001' })).toBe('abcdef00-0000-4000-8000-000000000001');
    expect(await stat(defaultMachineGuidFile(cloudDir)).catch(() => null)).toBeNull();
    expect(await codeOf(resolveMachineGuid({ cloudDir, machineGuid: 'mg-1' }))).toBe('MACHINE_GUID_INVALID');
  });

  it('without a value: the file option, else the default file', async () => {
    const root = await makeTempDir('aclk-guid-');
    const cloudDir = join(root, 'cloud.d');
    const own = join(root, 'elsewhere', 'id');
    const fromOwn = await resolveMachineGuid({ cloudDir, machineGuidFile: own });
    expect(await readFile(own, 'utf8')).toBe(fromOwn);
    const fromDefault = await resolveMachineGuid({ cloudDir });
    expect(await readFile(join(root, 'registry', 'netdata.public.unique.id'), 'utf8')).toBe(fromDefault);
    expect(fromDefault).not.toBe(fromOwn);
  });

  it('normalizeMachineGuid names where the bad value came from', () => {
    expect(() => normalizeMachineGuid('nope', '/x/id')).toThrow(/\/x\/id: not a UUID/);
  });
});
