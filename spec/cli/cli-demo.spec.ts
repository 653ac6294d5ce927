/** `aclk demo --once`: the whole guided tour against an in-process dev cloud (aedes), exit 0, under a minute. */
import { beforeAll, describe, expect, it } from 'vitest';
import { aclk, ensureBuilt } from './support.js';

beforeAll(ensureBuilt, 180_000);

describe('aclk demo --once', () => {
  it('runs the tour (connect, cmd, DisconnectReq, outage, publishing) and exits 0', async () => {
    const started = Date.now();
    const result = await aclk(['demo', '--once'], 90_000);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(Date.now() - started).toBeLessThan(60_000);
    for (const text of ['1. Connect', 'the node answered HTTP 200', 'DisconnectReq(reconnect_after_seconds=5)', 'next attempt in', 'outage', '5/5 "chart" messages', 'Tour done']) {
      expect(result.stdout).toContain(text);
    }
    expect(result.stdout).toMatch(/back online \d+\.\d s after the disconnect/);
    expect(result.stdout.trimEnd().split('\n').pop()).toMatch(/disabled\s+STOPPED: /);
  }, 100_000);
});
