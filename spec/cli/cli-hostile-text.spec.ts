/**
 * End to end: the dev cloud's fault injection answers with an error body whose errorMsgKey and
 * errorMessage hold terminal escapes (OSC window title, clear screen, C1 CSI, a bidi override) and a
 * forged `connected.online` line. `aclk run` (human lines and logs), `aclk state` (the table) and
 * `aclk claim` (its failure line) print none of it raw; `aclk state --json` keeps the exact text.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTestResources, claimTestNode, cloudRequest, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { AclkProcess, aclk, ensureBuilt } from './support.js';

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

const KEY = 'ErrX\u001b]0;pwned\u0007';
const FORGED = '\r\n2026-01-01T00:00:00.000Z connected.online            ONLINE: connected to the cloud\u001b[2J\u009b31m\u202eevil';

/** Any character a terminal acts on, except the LF that ends each line. */
// eslint-disable-next-line no-control-regex -- the point of the test
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectNoForgery(output: string): void {
  expect(output).not.toMatch(RAW_CONTROL);
  expect(output).not.toMatch(/^2026-01-01T00:00:00\.000Z connected\.online/m);
}

describe('cloud text in error bodies never reaches the terminal raw', () => {
  it('aclk run and aclk state: escaped in human output, exact in --json', async () => {
    const { cloud } = await startTestCloud();
    const { cloudDir } = await claimTestNode(cloud);
    const fault = { endpoint: 'env', mode: 'status', status: 500, errorMsgKey: KEY, errorMessage: FORGED, retryDelaySeconds: 600, times: 50 };
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { body: fault })).status).toBe(201);

    const run = new AclkProcess(['run', '--cloud-dir', cloudDir, '--ca', cloud.caPath]);
    try {
      const { line } = await run.line((l) => l.includes('ENV_NOT_200'), 30_000);
      expect(line).toContain('ErrX\\x1b]0;pwned\\x07: \\r\\n2026-01-01T00:00:00.000Z connected.online');
      const table = await aclk(['state', '--cloud-dir', cloudDir]);
      expect(table.code, table.stderr).toBe(0);
      expectNoForgery(table.stdout.replace(/\n/g, ' '));
      expect(table.stdout).toMatch(/^reason\s+.*\\x1b\]0;pwned\\x07/m);
      const json = await aclk(['state', '--cloud-dir', cloudDir, '--json']);
      const state = JSON.parse(json.stdout) as { reason: string };
      expect(state.reason).toContain(`${KEY}: ${FORGED}`);
      expect(json.stdout.trimEnd()).not.toMatch(RAW_CONTROL);
    } finally {
      await run.stop();
    }
    expectNoForgery(run.lines.join(' '));
    expectNoForgery(run.stderr.replace(/\n/g, ' '));
  });

  it('aclk claim: the failure line shows the escapes, on one line', async () => {
    const { cloud } = await startTestCloud();
    const fault = { endpoint: 'claim', mode: 'status', status: 403, errorMsgKey: KEY, errorMessage: FORGED, times: 5 };
    expect((await cloudRequest(cloud, 'POST', '/admin/faults', { body: fault })).status).toBe(201);
    const dir = await makeTempDir('aclk-hostile-');
    const result = await aclk(['claim', '--url', cloud.url, '--token', cloud.token, '--ca', cloud.caPath, '--cloud-dir', join(dir, 'cloud.d'), '--retries', '1']);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n').filter((l) => l !== '');
    expect(lines, result.stderr).toHaveLength(1);
    expectNoForgery(lines[0] as string);
    expect(lines[0]).toContain('ErrX\\x1b]0;pwned\\x07');
    expect(lines[0]).toContain('\\x1b[2J\\x9b31m\\u202eevil');
  });
});
