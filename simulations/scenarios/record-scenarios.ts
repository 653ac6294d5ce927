/**
 * The scenario library's generator: each scenario is a REAL run of `createCloudLink` (real claim,
 * env, challenge/password, MQTT over WSS) against the development cloud (aedes broker, loopback),
 * recorded with `record: memorySink()`, checked (replays with `verify` and `SCENARIO_SLACK_MS`, holds
 * none of the run's secrets) and written to `simulations/scenarios/<name>.jsonl`.
 *
 *   npm run build && node dist/simulations/scenarios/record-scenarios.js [name...]
 *
 * Without a name every scenario is recorded. Timings are short (backoff 0..1 s, ban retry 1.5 s) so
 * each file covers seconds of activity.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { claim } from '../../adapters/claim/index.js';
import { createCloudLink } from '../../link/cloud-link.js';
import type { LinkHandle } from '../../link/create-link.js';
import { memorySink } from '../../link/record.js';
import { startDevCloud } from '../../devcloud/index.js';
import { replayRecording } from '../replay/index.js';
import { type Ctx, type Scenario, sleep, waitState, waitOnline, echoHandler, closedPort, TINYPROXY_BIN, startTinyproxy, PROXY_USER, PROXY_PASSWORD, adminRequest } from './scenario-kit.js';

/** The slack every scenario must replay with (a real run's timers fire a little late). */
export const SCENARIO_SLACK_MS = 1_000;

export const scenarios: readonly Scenario[] = [
  {
    name: 'first-claim-and-connect',
    shows: 'an unclaimed node auto-claims (NETDATA_CLAIM_*), connects, and two publishes are acknowledged',
    async run(ctx) {
      const env = { NETDATA_CLAIM_URL: ctx.cloud.url, NETDATA_CLAIM_TOKEN: ctx.cloud.token, NETDATA_CLAIM_ROOMS: 'room-1' };
      const link = ctx.link({ env, claimRetries: { retries: 1, pauseMs: 0 } });
      await link.start();
      await waitOnline(link);
      await link.publish('chart', Buffer.from('scenario-1'));
      await link.publish('chart', Buffer.from('scenario-2'));
      await sleep(200);
    },
  },
  {
    name: 'outage-and-recovery',
    shows: 'a 2 s whole-cloud outage: connection dropped, env 503 while it lasts, backoff, reconnect',
    async run(ctx) {
      await ctx.claimNode();
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      await ctx.admin('POST', '/admin/outage', { seconds: 2 });
      await waitState(link, (s) => !s.online, 'the outage');
      await waitState(link, (s) => s.online, 'the recovery');
      await sleep(200);
    },
  },
  {
    name: 'ban',
    shows: 'a DisconnectReq with permaban, then env answering errorNonRetryable twice: banned, retries every banRetryMs (1.5 s), connects when the cloud lets it',
    async run(ctx) {
      const claimId = await ctx.claimNode();
      const link = ctx.link({ timings: { banRetryMs: 1_500 } });
      await link.start();
      await waitOnline(link);
      await ctx.admin('POST', '/admin/faults', { endpoint: 'env', status: 403, errorMsgKey: 'ErrBanned', errorMessage: 'node banned', nonRetryable: true, times: 2 });
      await ctx.admin('POST', `/admin/nodes/${claimId}/disconnect`, { permaban: true });
      await waitState(link, (s) => s.state === 'backoff.banned', 'the ban');
      await waitState(link, (s) => s.online, 'the ban to end', 15_000);
      await sleep(200);
    },
  },
  {
    name: 'env-429-retry-delay',
    shows: 'env answers 429 with errorRetryDelaySeconds 2: the next attempt waits 2 s, then connects',
    async run(ctx) {
      await ctx.claimNode();
      await ctx.admin('POST', '/admin/faults', { endpoint: 'env', status: 429, errorMsgKey: 'ErrTooManyRequests', retryDelaySeconds: 2, times: 1 });
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      await sleep(200);
    },
  },
  {
    name: 'disconnect-req-reconnect-after',
    shows: 'the cloud sends DisconnectReq reconnectAfterSeconds 2: the link leaves and reconnects no sooner',
    async run(ctx) {
      const claimId = await ctx.claimNode();
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      await ctx.admin('POST', `/admin/nodes/${claimId}/disconnect`, { reconnectAfterSeconds: 2 });
      await waitState(link, (s) => s.top === 'backoff', 'the disconnect');
      await waitState(link, (s) => s.online, 'the reconnect');
      await sleep(200);
    },
  },
  {
    name: 'untrusted-certificate',
    shows: 'no CA given: every attempt fails TLS_VERIFY_FAILED, with backoff between attempts',
    async run(ctx) {
      await ctx.claimNode();
      const link = ctx.link({ ca: undefined });
      await link.start();
      await waitState(link, (s) => s.attempt >= 4, 'four failed attempts');
    },
  },
  {
    name: 'proxy-refusing',
    shows: 'netdata.conf proxy (with credentials, removed from the recording) pointing at a loopback port where nothing listens: each attempt is refused, backoff, again',
    async run(ctx) {
      await ctx.claimNode();
      await ctx.writeConf(`http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${await closedPort()}`);
      ctx.secrets.push(PROXY_PASSWORD);
      const link = ctx.link();
      await link.start();
      await waitState(link, (s) => s.attempt >= 4, 'four failed attempts');
    },
  },
  {
    name: 'proxy-connect-forbidden',
    shows: 'a real tinyproxy (BasicAuth, `ConnectPort 1`: CONNECT to the cloud\'s port forbidden) answers 403 to each tunnel request; credentials removed from the recording. Needs /usr/bin/tinyproxy (skipped without it; proxy-refusing covers a proxy without one)',
    async run(ctx) {
      await ctx.claimNode();
      const proxy = await startTinyproxy(ctx.dir);
      ctx.cleanups.push(proxy.stop);
      await ctx.writeConf(`http://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`);
      ctx.secrets.push(PROXY_PASSWORD);
      const link = ctx.link();
      await link.start();
      await waitState(link, (s) => s.attempt >= 4, 'four failed attempts');
    },
  },
  {
    name: 'flapping-network',
    shows: 'the broker drops every connection every 300-700 ms for about 4 s; the link keeps reconnecting, then stays online',
    async run(ctx) {
      await ctx.claimNode();
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      const end = Date.now() + 4_000;
      let i = 0;
      while (Date.now() < end) {
        await sleep(300 + ((i++ * 137) % 400));
        ctx.cloud.broker.dropAll();
      }
      await waitState(link, (s) => !s.online, 'the last drop');
      await waitOnline(link);
      await sleep(300);
    },
  },
  {
    name: 'disable-enable-at-runtime',
    shows: 'online, link.disable() (graceful disconnect), then link.enable(): connects again',
    async run(ctx) {
      await ctx.claimNode();
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      await link.publish('chart', Buffer.from('before-disable'));
      link.disable();
      await waitState(link, (s) => s.top === 'disabled', 'disabled');
      await sleep(500);
      link.enable();
      await waitOnline(link);
      await sleep(200);
    },
  },
  {
    name: 'reclaim-while-connected',
    shows: 'connected, the node is claimed again (new identity): reload() reconnects under it; claimed again: claimed(id) does the same',
    async run(ctx) {
      await ctx.claimNode();
      const link = ctx.link();
      await link.start();
      await waitOnline(link);
      const second = await ctx.claimNode();
      await link.reload();
      await waitState(link, (s) => s.online && s.claimId === second, 'online as the second identity');
      const third = await ctx.claimNode();
      link.claimed(third);
      await waitState(link, (s) => s.online && s.claimId === third, 'online as the third identity');
      await sleep(200);
    },
  },
];

export interface RecordedScenario {
  readonly name: string;
  readonly text: string;
  readonly lines: number;
}

/** Runs one scenario for real and returns its checked recording. */
export async function recordScenario(scenario: Scenario): Promise<RecordedScenario> {
  const dir = await mkdtemp(join(tmpdir(), `aclk-scenario-${scenario.name}-`));
  const cloud = await startDevCloud({ stateDir: join(dir, 'cloud'), broker: 'aedes' });
  const secrets: string[] = [cloud.token, cloud.adminToken];
  const issue = cloud.credentials.issue.bind(cloud.credentials);
  cloud.credentials.issue = (claimId) => {
    const credentials = issue(claimId);
    secrets.push(credentials.password);
    return credentials;
  };
  const cloudDir = join(dir, 'cloud.d');
  const netdataConf = join(dir, 'netdata.conf');
  const sink = memorySink();
  let link: LinkHandle | null = null;
  const ctx: Ctx = {
    cloud, dir, cloudDir, netdataConf, secrets, cleanups: [],
    link(options = {}) {
      if (link) throw new Error('one link per scenario');
      link = createCloudLink({
        cloudDir, netdataConf, env: {}, ca: cloud.caPath, onCommand: echoHandler, record: sink,
        network: { connectTimeoutMs: 3_000, requestTimeoutMs: 5_000, tunnelTimeoutMs: 3_000, mqttConnectTimeoutMs: 5_000, closeTimeoutMs: 500 },
        ...options,
      });
      return link;
    },
    async claimNode() {
      const { claimId } = await claim({
        url: cloud.url, token: cloud.token, rooms: ['room-1'], hostname: 'scenario-host', ca: cloud.caPem,
        sleep: async () => undefined, cloudDir,
      });
      return claimId;
    },
    async writeConf(proxy = 'none', extra: string[] = []) {
      const lines = ['[global]', 'netdata cloud = enable', '[cloud]', `cloud base url = ${cloud.url}`, `proxy = ${proxy}`,
        'backoff min seconds = 0', 'backoff max seconds = 1', ...extra];
      await writeFile(netdataConf, `${lines.join('\n')}\n`);
    },
    admin: (method, path, body) => adminRequest(cloud, method, path, body),
  };
  try {
    await ctx.writeConf();
    await scenario.run(ctx);
  } finally {
    await (link as LinkHandle | null)?.stop();
    for (const cleanup of ctx.cleanups) await cleanup();
    const pemPath = join(cloudDir, 'private.pem');
    if (existsSync(pemPath)) {
      const pem = await readFile(pemPath, 'utf8');
      secrets.push(pem.trim(), ...pem.split('\n').filter((l) => l.length > 40));
    }
    await cloud.close();
    await rm(dir, { recursive: true, force: true });
  }
  const text = sink.text();
  for (const secret of secrets) {
    if (secret && text.includes(secret)) throw new Error(`${scenario.name}: a secret (${secret.slice(0, 6)}...) is in the recording`);
  }
  if (/BEGIN [A-Z ]*PRIVATE KEY/.test(text)) throw new Error(`${scenario.name}: a private key is in the recording`);
  const { divergence } = replayRecording(text, { verify: true, slackMs: SCENARIO_SLACK_MS });
  if (divergence) throw new Error(`${scenario.name}: the recording diverges on replay: ${JSON.stringify(divergence)}`);
  return { name: scenario.name, text, lines: sink.lines.length };
}

/** The repository's simulations/scenarios directory (from src or from dist). */
function scenariosDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above this script');
    dir = up;
  }
  return join(dir, 'simulations', 'scenarios');
}

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((n) => !scenarios.some((s) => s.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}\n`);
    return 2;
  }
  const chosen = names.length === 0 ? scenarios : scenarios.filter((s) => names.includes(s.name));
  const out = scenariosDir();
  let failed = 0;
  for (const scenario of chosen) {
    const started = Date.now();
    if (scenario.name === 'proxy-connect-forbidden' && !existsSync(TINYPROXY_BIN)) {
      process.stderr.write(`${scenario.name}: SKIPPED: ${TINYPROXY_BIN} not found (apt-get install -y tinyproxy); the existing file is kept\n`);
      continue;
    }
    try {
      const recorded = await recordScenario(scenario);
      await writeFile(join(out, `${scenario.name}.jsonl`), recorded.text);
      process.stdout.write(`${scenario.name}: ${recorded.lines} lines, ${Date.now() - started} ms, replays with slack ${SCENARIO_SLACK_MS} ms\n`);
    } catch (error) {
      failed += 1;
      process.stderr.write(`${scenario.name}: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exitCode = 1;
  });
}
