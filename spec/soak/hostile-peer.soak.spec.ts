/**
 * Soak: hostile peers (issue 13). A real `aclk run --inspect` (human output, the operator's terminal) is
 * connected to the development cloud while, round after round,
 * - the cloud sends what a hostile or broken cloud sends: error bodies with terminal escapes and forged
 *   lines, garbage JSON, an endpoint in no usable form, a challenge of the wrong length, a flood of cmd
 *   requests (valid, garbage, never-ending) on the node's inbox;
 * - a network peer pokes every listener of the link: WebSockets to the inspector from a foreign page, with
 *   oversized messages and with floods, raw garbage to the inspector's HTTP port, and garbage to aclk.sock.
 * The run must end with 0 crashes (the process alive, back online after every round, exit 0 at SIGTERM),
 * 0 unbounded growth (RSS after the last round within a bound of RSS after the first), every outcome
 * coded (each state line's code documented in the README), and no control character in what it printed.
 */
import { connect as netConnect } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { formatCmdRequest } from '../../adapters/messages/index.js';
import { cmdReplyTopic } from '../../devcloud/broker/topics.js';
import { freePort } from '../../devcloud/free-port.js';
import { AclkProcess, ensureBuilt } from '../cli/support.js';
import { cleanupTestResources, claimTestNode, makeTempDir, startTestCloud } from '../support/dev-cloud.js';
import { DOCUMENTED_CODES } from './support/fuzz-kit.js';
import { MB, mb, report } from './support/measure.js';
import { soakScale } from './scale.js';

const ROUNDS = soakScale(2, 25);
const CMD_FLOOD = soakScale(150, 1_000);
/** RSS of the child after the last round may exceed the one after the first by at most this. */
const RSS_GROWTH_BOUND = 64 * MB;
const EVIL = '\u001b]0;pwned\u0007\u001b[2J\r\n12:00:00.000 connected.online           ONLINE: forged \u202e\u0085';
// eslint-disable-next-line no-control-regex -- what must never reach the terminal raw (LF ends lines)
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeAll(ensureBuilt, 180_000);
afterEach(cleanupTestResources);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 'NaN') * 1024;
}

/** The state lines of `aclk run` (human form: `HH:MM:SS.mmm state CODE: reason`). */
function stateLines(run: AclkProcess): { state: string; code: string }[] {
  return run.lines.flatMap((line) => {
    const m = /^\d\d:\d\d:\d\d\.\d{3} (\S+)\s+([A-Z][A-Z0-9_]+): /.exec(line);
    return m ? [{ state: m[1] ?? '', code: m[2] ?? '' }] : [];
  });
}

/** Waits until `aclk run` prints `connected.online` again after line `from`. */
async function online(run: AclkProcess, from: number, what: string): Promise<void> {
  await run.line((l) => / connected\.online\s/.test(l) && !l.includes('forged'), 40_000, from)
    .catch((error: unknown) => { throw new Error(`${what}: not back online`, { cause: error }); });
}

/** What a WebSocket client to the inspector ends with: refused (HTTP status) or closed (close code). */
function inspectorPeer(url: string, origin: string, send: (ws: WebSocket) => void): Promise<{ refused?: number; closed?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { origin } });
    const timer = setTimeout(() => { ws.terminate(); resolve({}); }, 10_000);
    ws.on('unexpected-response', (_req, res) => { clearTimeout(timer); resolve({ refused: res.statusCode ?? 0 }); ws.terminate(); });
    ws.on('open', () => send(ws));
    ws.on('close', (code) => { clearTimeout(timer); resolve({ closed: code }); });
    ws.on('error', () => undefined);
  });
}

/** Raw bytes to a TCP or unix socket; resolves when the peer closes or after a short while. */
function rawGarbage(target: { port: number } | { path: string }, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = 'port' in target ? netConnect(target.port, '127.0.0.1') : netConnect(target.path);
    const done = () => { socket.destroy(); resolve(); };
    const timer = setTimeout(done, 2_000);
    socket.on('error', () => { clearTimeout(timer); done(); });
    socket.on('close', () => { clearTimeout(timer); resolve(); });
    socket.write(bytes);
  });
}

describe('soak: hostile peers against a running link', () => {
  it(`${ROUNDS} rounds of a hostile cloud and network peer: 0 crashes, bounded memory, every outcome coded`, async () => {
    const { cloud } = await startTestCloud();
    const { claimId, cloudDir } = await claimTestNode(cloud);
    const config = join(await makeTempDir('aclk-hostile-'), 'netdata.conf');
    await writeFile(config, '[global]\n  netdata cloud = enable\n[cloud]\n  backoff max seconds = 2\n');
    const port = await freePort();
    const inspector = `ws://127.0.0.1:${port}`;
    const run = new AclkProcess(['run', '--config', config, '--cloud-dir', cloudDir, '--ca', cloud.caPath, '--inspect', String(port)]);
    const pid = run.child.pid ?? 0;
    const replies: Buffer[] = [];
    cloud.broker.onAgentMessage((id, topic, payload) => { if (id === claimId && topic === cmdReplyTopic(claimId)) replies.push(payload); });
    const defaults = cloud.settings();
    const rss: number[] = [];
    const outcomes: Record<string, number> = {};
    const count = (what: string) => { outcomes[what] = (outcomes[what] ?? 0) + 1; };
    try {
      await online(run, 0, 'start');
      for (let round = 1; round <= ROUNDS; round += 1) {
        // The cloud: error bodies that try to write to the terminal, garbage, a bad endpoint, a bad challenge.
        for (const fault of [
          { endpoint: 'env', status: 500, errorMsgKey: EVIL, errorMessage: EVIL, retryDelaySeconds: 1 },
          { endpoint: 'env', mode: 'garbage' },
          { endpoint: 'challenge', mode: 'bad-challenge-length' },
          { endpoint: 'password', status: 503, errorMessage: EVIL },
        ] as const) {
          const from = run.lines.length;
          cloud.addFault(fault);
          await cloud.broker.dropAll();
          await online(run, from, `round ${round}: ${JSON.stringify(fault).slice(0, 60)}`);
          count(`fault ${fault.endpoint}`);
        }
        const from = run.lines.length;
        cloud.configure({ transports: [{ type: 'MQTTv5', endpoint: `ftp://${EVIL}` }, { type: 'MQTTv3', endpoint: 'mqtt://nowhere' }] });
        await cloud.broker.dropAll();
        await run.line((l) => l.includes('ENV_BAD_ENDPOINT'), 20_000, from);
        cloud.configure({ transports: defaults.transports });
        await online(run, from, `round ${round}: bad endpoint`);

        // The cloud: a flood on the node's inbox, valid requests mixed with garbage.
        const before = replies.length;
        const sends: Promise<void>[] = [];
        for (let i = 0; i < CMD_FLOOD; i += 1) {
          const payload = i % 3 === 0 ? Buffer.from(`${EVIL}${'x'.repeat(i)}`)
            : formatCmdRequest({ msgId: `r${round}-${i}`, callbackTopic: cmdReplyTopic(claimId), method: 'GET', path: i % 3 === 1 ? '/api/v1/info' : `/nowhere/${i}`, timeoutMs: 5_000 });
          sends.push(cloud.broker.publishToNode(claimId, 'cmd', payload));
        }
        await Promise.all(sends);
        const valid = CMD_FLOOD - Math.ceil(CMD_FLOOD / 3);
        const deadline = Date.now() + 30_000;
        while (replies.length - before < valid && Date.now() < deadline) await sleep(100);
        expect(replies.length - before, `round ${round}: every valid cmd answered (served or busy)`).toBe(valid);
        count('cmd flood');

        // A network peer on every listener of the link.
        expect(await inspectorPeer(inspector, 'http://evil.example', () => undefined)).toEqual({ refused: 403 });
        expect(await inspectorPeer(inspector, `http://127.0.0.1:${port}`, (ws) => ws.send(Buffer.alloc(2 * MB, 1)))).toEqual({ closed: 1009 });
        expect(await inspectorPeer(inspector, `http://127.0.0.1:${port}`, (ws) => { for (let i = 0; i < 64; i += 1) ws.send(EVIL); })).toEqual({ closed: 1008 });
        await rawGarbage({ port }, Buffer.from(`GET /${EVIL} HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(2_000)}\r\n`));
        await rawGarbage({ port }, Buffer.alloc(256 * 1024, 0xff));
        await rawGarbage({ path: join(cloudDir, 'aclk.sock') }, Buffer.concat([Buffer.from(EVIL), Buffer.alloc(512 * 1024, 0x41)]));
        count('network peer');

        expect(run.child.exitCode, 'the link is still running').toBeNull();
        rss.push(await rssOf(pid));
      }
      const growth = (rss.at(-1) ?? 0) - (rss[0] ?? 0);
      const codes = stateLines(run).map((s) => s.code);
      await report('hostile-peer', {
        rounds: ROUNDS, cmdFloodPerRound: CMD_FLOOD, cloudFaults: Object.entries(outcomes).map(([k, v]) => `${k} x${v}`).join(', '),
        rssFirstMiB: mb(rss[0] ?? 0), rssMaxMiB: mb(Math.max(...rss)), rssLastMiB: mb(rss.at(-1) ?? 0), rssGrowthMiB: mb(growth),
        stateLines: codes.length, codes: [...new Set(codes)].sort().join(' '),
      });
      expect(growth, 'RSS after the last round vs after the first').toBeLessThan(RSS_GROWTH_BOUND);
      for (const code of new Set(codes)) expect(DOCUMENTED_CODES.has(code), `undocumented code ${code}`).toBe(true);
      expect(codes).toEqual(expect.arrayContaining(['ENV_NOT_200', 'ENV_BAD_JSON', 'ENV_BAD_ENDPOINT', 'AUTH_CHALLENGE_BAD_LENGTH', 'AUTH_PASSWORD_NOT_201']));
      expect(await run.stop('SIGTERM')).toBe(0);
      for (const line of [...run.lines, ...run.stderr.split('\n')]) expect(line, 'a raw control character reached the terminal').not.toMatch(RAW_CONTROL);
      expect(run.lines.some((l) => l.includes('\\x1b]0;pwned\\x07'))).toBe(true);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await run.stop('SIGKILL');
    }
  }, soakScale(300_000, 3_600_000));
});
