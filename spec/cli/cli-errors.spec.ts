/**
 * Usage and file errors: ONE line `CODE: message` on stderr, a non-zero exit (2 usage, 1 runtime, 3 configuration),
 * no stack trace, nothing on stdout. Every command has --help with examples (exit 0).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestResources, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { aclk, ensureBuilt, type Finished } from './support.js';

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

function expectOneLine(result: Finished, code: RegExp, exit: number): void {
  expect(result.code, result.stderr).toBe(exit);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((l) => l !== '');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(code);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('aclk: coded one-line errors', () => {
  it.each([
    [['run', '--bogus'], /^CLI_USAGE: unknown option '--bogus' \(see aclk run --help\)$/],
    [['cloud', '--port', 'abc'], /^CLI_USAGE: option '--port <n>' argument 'abc' is invalid/],
    [['cloud', '--broker', 'nats'], /^CLI_USAGE: option '--broker <kind>' argument 'nats' is invalid/],
    [['claim', '--token', 't'], /^CLI_USAGE: required option '--url <url>' not specified/],
    [['claim', '--url', 'http://example.com', '--token', 't'], /^CLI_USAGE: .*https: URL/],
    [['cloud-ctl', 'outage', '--url', 'https://127.0.0.1:1', '--admin-token', 'x', '--seconds', '-1'], /^CLI_USAGE: /],
    [['cloud-ctl', 'nodes'], /^CLI_USAGE: the dev cloud's URL is missing/],
    [['cloud-ctl', 'fail', '--url', 'https://127.0.0.1:1', '--admin-token', 'x', '--endpoint', 'dns', '--status', '500'], /^CLI_USAGE: option '--endpoint <name>' argument 'dns' is invalid/],
    [['nonsense'], /^CLI_USAGE: unknown command 'nonsense'/],
  ])('aclk %j', async (args, pattern) => {
    expectOneLine(await aclk(args), pattern, 2);
  });

  it('a malformed netdata.conf: exit 3 with the config code; a missing netdata.conf, a bad --ca: exit 2', async () => {
    const dir = await makeTempDir('aclk-cli-err-');
    const cloudDir = join(dir, 'cloud.d');
    await writeFile(join(dir, 'syntax.conf'), '[global\nnetdata cloud = enable\n');
    await writeFile(join(dir, 'value.conf'), '[global]\n    netdata cloud = maybe\n');
    await writeFile(join(dir, 'proxy.conf'), '[cloud]\n    proxy = ftp://proxy:21\n');
    await writeFile(join(dir, 'not-a-cert.pem'), 'hello\n');
    expectOneLine(await aclk(['run', '--cloud-dir', cloudDir, '--config', join(dir, 'syntax.conf')]), /^CONFIG_SYNTAX: .*syntax\.conf:1: /, 3);
    expectOneLine(await aclk(['run', '--cloud-dir', cloudDir, '--config', join(dir, 'value.conf'), '--json']), /^CONFIG_BAD_VALUE: .*value\.conf:2: \[global\] netdata cloud: /, 3);
    expectOneLine(await aclk(['run', '--cloud-dir', cloudDir, '--config', join(dir, 'proxy.conf')]), /^CONFIG_BAD_VALUE: .*\[cloud\] proxy: /, 3);
    expectOneLine(await aclk(['run', '--cloud-dir', cloudDir, '--config', join(dir, 'missing.conf')]), /^CLI_FILE_NOT_FOUND: the configuration file .*missing\.conf does not exist$/, 2);
    expectOneLine(await aclk(['run', '--cloud-dir', cloudDir, '--ca', join(dir, 'not-a-cert.pem')]), /^CLI_BAD_CERTIFICATE: /, 2);
  });

  it('aclk state with no run: LINK_NOT_RUNNING, exit 1', async () => {
    const dir = await makeTempDir('aclk-cli-err-');
    expectOneLine(await aclk(['state', '--cloud-dir', dir, '--json']), /^LINK_NOT_RUNNING: no aclk run is using /, 1);
  });

  it('claim failures from the cloud and TLS: coded, one line, the token never printed', async () => {
    const { cloud } = await startTestCloud();
    const dir = await makeTempDir('aclk-cli-err-');
    const wrong = await aclk(['claim', '--url', cloud.url, '--token', 'wrong-token-123', '--ca', cloud.caPath, '--cloud-dir', join(dir, 'a')]);
    expectOneLine(wrong, /^CLAIM_TOKEN_INVALID: /, 1);
    expect(wrong.stderr).not.toContain('wrong-token-123');
    const untrusted = await aclk(['claim', '--url', cloud.url, '--token', cloud.token, '--cloud-dir', join(dir, 'b'), '--retries', '1']);
    expectOneLine(untrusted, /^TLS_VERIFY_FAILED: /, 1);
    expect(untrusted.stderr).not.toContain(cloud.token);
    const unauthorized = await aclk(['cloud-ctl', 'nodes', '--url', cloud.url, '--admin-token', 'nope', '--ca', cloud.caPath]);
    expectOneLine(unauthorized, /^ADMIN_UNAUTHORIZED: /, 1);
  });

  it('every command has --help with examples (exit 0)', async () => {
    for (const args of [[], ['cloud'], ['claim'], ['run'], ['state'], ['cloud-ctl'], ['cloud-ctl', 'cmd'], ['demo']]) {
      const result = await aclk([...args, '--help']);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toMatch(/^Usage: aclk/);
      expect(result.stdout, args.join(' ')).toMatch(/Examples?:/);
    }
  });
});
