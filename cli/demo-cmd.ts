/**
 * `aclk demo`: everything in one process, with nothing but `npm install`: the dev cloud with the
 * embedded aedes broker in a temp directory, a claimed node, the real link (createCloudLink) with a
 * generated netdata.conf (short backoff: at most 8 s), and a narrated tour (demo-tour.ts). Then it
 * keeps running until Ctrl-C (`--once`: ends after the tour, exit 0). The temp directory is removed.
 */
import type { Command } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claim } from '../adapters/claim/index.js';
import { createCloudLink } from '../link/cloud-link.js';
import { toAclkStateJson } from '../link/state.js';
import type { DevCloud } from '../devcloud/index.js';
import { loadDevCloud } from './dev-cloud-module.js';
import { adminClient } from './admin-client.js';
import { runTour } from './demo-tour.js';
import { infoHandler } from './info-handler.js';
import { stderrLogger } from './logger.js';
import { waitForStopSignal } from './signals.js';
import { serveState, type StateServer } from './state-channel.js';
import { changeLine } from './state-format.js';
import { terminalBlock } from './terminal-text.js';
import { onStateChange } from './watch.js';

export const DEMO_NETDATA_CONF = `[global]
    netdata cloud = enable

[cloud]
    backoff policy = full
    backoff min seconds = 1
    backoff max seconds = 8
`;

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .summary('a guided tour: dev cloud, claim, connect, cmd, DisconnectReq, outage, publishing')
    .description('Starts the development cloud (embedded aedes broker) in a temp directory in this process,\n'
      + 'claims a node, runs the real link and narrates: 1 connect, 2 a cmd request, 3 a DisconnectReq\n'
      + 'with reconnect-after, 4 an outage with backoff and recovery, 5 messages published during the\n'
      + 'outage and all delivered afterwards. Then keeps running until Ctrl-C (--once: exits after the tour).')
    .option('--once', 'exit 0 after the tour')
    .addHelpText('after', '\nExamples:\n  $ aclk demo --once\n  $ aclk demo     # then, in another terminal: aclk state --cloud-dir <the cloud dir it prints>')
    .action(demoAction);
}

async function demoAction(flags: { once?: boolean }): Promise<void> {
  const t0 = Date.now();
  const elapsed = (): string => `+${((Date.now() - t0) / 1000).toFixed(3).padStart(7, '0')}`;
  // Narration quotes the cloud and the node (a cmd answer): no control character reaches the terminal.
  const say = (text: string): void => void process.stdout.write(`${terminalBlock(text)}\n`);
  const signals = waitForStopSignal();
  const dir = await mkdtemp(join(tmpdir(), 'aclk-demo-'));
  let cloud: DevCloud | null = null;
  let channel: StateServer | null = null;
  let link: ReturnType<typeof createCloudLink> | null = null;
  try {
    const { startDevCloud } = await loadDevCloud();
    cloud = await startDevCloud({ stateDir: join(dir, 'cloud'), broker: 'aedes' });
    say(`Agent-Cloud Link demo: the dev cloud at ${cloud.url} (embedded aedes broker, MQTT 3.1.1), state in ${dir}`);
    const cloudDir = join(dir, 'cloud.d');
    const { claimId } = await claim({ url: cloud.url, token: cloud.token, rooms: ['demo-room'], ca: cloud.caPem, cloudDir, hostname: 'aclk-demo', retries: 1 });
    say(`   claimed node ${claimId} (key pair and cloud.conf in ${cloudDir})`);
    const netdataConf = join(dir, 'netdata.conf');
    await writeFile(netdataConf, DEMO_NETDATA_CONF, { mode: 0o600 });
    const cloudInfo = join(dir, 'cloud.json');
    await writeFile(cloudInfo, `${JSON.stringify({ url: cloud.url, token: cloud.token, adminToken: cloud.adminToken, ca: cloud.caPath })}\n`, { mode: 0o600 });

    const running = createCloudLink({ cloudDir, netdataConf, ca: cloud.caPath, env: {}, onCommand: infoHandler(), logger: stderrLogger('error', 'link') });
    link = running;
    channel = await serveState(cloudDir, () => ({ pid: process.pid, startedAt: new Date(t0).toISOString(), cloudDir, state: toAclkStateJson(running.getState()) }));
    onStateChange(running, (state, time) => say(`   ${changeLine(state, time, elapsed())}`));
    const admin = adminClient({ url: cloud.url, adminToken: cloud.adminToken, ca: cloud.caPem });
    const tour = runTour({ link: running, admin, claimId, say, elapsed });
    tour.catch(() => undefined);
    const interrupted = await Promise.race([tour.then(() => false), signals.stopped.then(() => true)]);
    if (interrupted) return say('\nInterrupted: stopping.');
    say(`\nTour done in ${((Date.now() - t0) / 1000).toFixed(1)} s.`);
    if (flags.once) return;
    say('The link keeps running; Ctrl-C to stop. In another terminal:\n'
      + `   aclk state --cloud-dir ${cloudDir}\n`
      + `   aclk cloud-ctl cmd --cloud-info ${cloudInfo} --node ${claimId} --path /api/v1/info\n`
      + `   aclk cloud-ctl disconnect --cloud-info ${cloudInfo} --node ${claimId} --reconnect-after 3`);
    await signals.stopped;
  } finally {
    say('\nStopping: graceful disconnect, then the dev cloud.');
    await link?.stop();
    await channel?.close();
    await cloud?.close();
    await rm(dir, { recursive: true, force: true });
    signals.dispose();
  }
}
