/**
 * `aclk run`: the real link (createCloudLink: netdata.conf, cloud.d, claim.conf, environment) until
 * SIGINT/SIGTERM, then a graceful stop() and exit 0. SIGHUP re-reads the configuration (reload()).
 * stdout: one line per state change (`--json`: one JSON object per line); logs go to stderr. The live
 * state is served on <cloud-dir>/aclk.sock for `aclk state` (state-channel.ts). The cloud's `cmd`
 * requests are answered by the built-in handler (info-handler.ts).
 *
 * A configuration that is invalid at start (CONFIG_*) is reported as ONE line `CODE: message` and
 * exit 3 (EXIT_CONFIG); one with insecure on is warned about once, before any request. An invalid
 * one at a SIGHUP leaves the link `disabled` with that reason (netdata's way), and the run goes on
 * until the configuration is fixed and reloaded again.
 */
import type { Command } from 'commander';
import { fileConfigSource } from '../adapters/config/load.js';
import { isLinkError } from '../effects/errors.js';
import type { LinkConfig } from '../effects/ports.js';
import { createCloudLink } from '../link/cloud-link.js';
import { inspectorFromFlags } from '../link/inspection.js';
import { fileRecorder } from '../link/record.js';
import { ResolvingConfigSource } from '../link/network.js';
import { toAclkStateJson } from '../link/state.js';
import { CliError, EXIT_CONFIG } from './errors.js';
import { infoHandler } from './info-handler.js';
import { localNode, type LocalNode } from './local-node.js';
import { resolveMachineGuid } from '../adapters/identity/machine-guid.js';
import { warnInsecureRun } from './insecure-warning.js';
import { stderrLogger } from './logger.js';
import { cloudDirOf, intIn, readPem, requireFile } from './parse.js';
import { waitForStopSignal } from './signals.js';
import { serveState } from './state-channel.js';
import { changeLine, changeRecord } from './state-format.js';
import { terminalJson } from './terminal-text.js';
import { onStateChange } from './watch.js';

interface RunFlags {
  readonly config?: string;
  readonly claimConf?: string;
  readonly cloudDir?: string;
  readonly ca?: string;
  readonly json?: boolean;
  readonly disableCloud?: boolean;
  readonly verbose?: boolean;
  readonly record?: string;
  readonly inspect?: number | true;
  readonly inspectHost?: string;
  readonly machineGuidFile?: string;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .summary('run the link until SIGINT/SIGTERM (SIGHUP reloads the configuration)')
    .description('Runs the Agent-Cloud Link from netdata.conf, <cloud-dir>/cloud.conf, claim.conf and the\n'
      + 'environment. Prints one line per state change (--json: one JSON object per line) on stdout and\n'
      + 'logs on stderr. SIGHUP re-reads the configuration and the claim; SIGINT/SIGTERM disconnect\n'
      + 'gracefully and exit 0. The live state is served on <cloud-dir>/aclk.sock for `aclk state`.\n'
      + 'The cloud\'s cmd requests get the built-in answer: GET /api/v1/info (hostname, version, uptime).')
    .option('--config <file>', 'netdata.conf (default: none, built-in defaults)')
    .option('--claim-conf <file>', 'claim.conf for auto-claiming (NETDATA_CLAIM_* also work)')
    .option('--cloud-dir <dir>', 'cloud.d directory (default: $ACLK_CLOUD_DIR or /var/lib/netdata/cloud.d)')
    .option('--ca <file>', 'extra CA certificate (PEM) to trust, e.g. the dev cloud\'s (overrides netdata.conf)')
    .option('--machine-guid-file <file>', 'the machine GUID file, read or created (default: <cloud-dir>/../registry/netdata.public.unique.id)')
    .option('--json', 'one JSON object per state change')
    .option('--disable-cloud', 'an inert link, as in a build without the cloud')
    .option('--verbose', 'log at info level (default: warnings and errors)')
    .option('--record <file>', 'write a JSONL recording of the run (secrets removed), for `aclk replay`')
    .option('--inspect [port]', 'serve the Stately inspector on http://127.0.0.1:<port> (default 8080), sanitised', intIn(1, 65535))
    .option('--inspect-host <host>', 'listen for the inspector on <host> instead of 127.0.0.1 (implies --inspect; no authentication: warns)')
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk run --cloud-dir ./cloud.d --ca dev-cloud/ca.pem\n'
      + '  $ aclk run --config /etc/netdata/netdata.conf --json | jq -c \'{time, state, code}\'\n'
      + '  $ kill -HUP <pid>    # re-read netdata.conf and cloud.conf')
    .action(runAction);
}

async function runAction(flags: RunFlags): Promise<void> {
  const netdataConf = flags.config === undefined ? undefined : await requireFile(flags.config, 'the configuration file');
  const claimConf = flags.claimConf === undefined ? undefined : await requireFile(flags.claimConf, 'the claim configuration file');
  const ca = flags.ca === undefined ? undefined : await requireFile(flags.ca, 'the CA file');
  if (ca !== undefined) await readPem(ca, 'the CA file');
  const cloudDir = cloudDirOf(flags.cloudDir);
  const logger = stderrLogger(flags.verbose ? 'info' : 'warn', 'link');
  const startedAt = new Date().toISOString();
  if (!flags.disableCloud) warnInsecureRun(logger, await checkConfiguration({ cloudDir, netdataConf, claimConf, ca }), cloudDir);

  const inspector = await inspectorFromFlags(flags);
  if (inspector) process.stderr.write(`inspector: open ${inspector.url} to watch the statechart live\n`);
  const link = createCloudLink({
    cloudDir,
    ...(netdataConf !== undefined ? { netdataConf } : {}),
    ...(claimConf !== undefined ? { claimConf } : {}),
    ...(ca !== undefined ? { ca } : {}),
    ...(flags.machineGuidFile !== undefined ? { machineGuidFile: flags.machineGuidFile } : {}),
    disableCloud: flags.disableCloud === true,
    onCommand: infoHandler({ node: () => local }),
    logger,
    ...(flags.record !== undefined ? { record: fileRecorder(flags.record) } : {}),
    ...(inspector ? { inspect: inspector.inspect } : {}),
  });
  // A small host agent: its own node (hops 0), with what the operating system tells about it.
  let local: LocalNode | null = null;
  if (!flags.disableCloud) {
    local = await localNode(await resolveMachineGuid({ cloudDir, ...(flags.machineGuidFile !== undefined ? { machineGuidFile: flags.machineGuidFile } : {}) }, { logger }));
    link.nodes.register({ machineGuid: local.machineGuid, hostname: local.hostname, hops: 0, info: local.info });
  }
  const channel = await serveState(cloudDir, () => ({ pid: process.pid, startedAt, cloudDir, state: toAclkStateJson(link.getState()) }));
  onStateChange(link, (state, time) => {
    process.stdout.write(`${flags.json ? terminalJson(changeRecord(state, time)) : changeLine(state, time)}\n`);
  });
  // A SIGHUP during start() makes any configuration error after it a reload's, not the start's.
  let reloaded = false;
  const signals = waitForStopSignal(() => {
    reloaded = true;
    logger.warn('SIGHUP: reloading the configuration');
    link.reload().catch((error: unknown) => logger.error('reload failed', { error: error instanceof Error ? error.message : String(error) }));
  });
  try {
    await link.start();
    const initial = link.getState();
    if (!reloaded && initial.top === 'disabled' && initial.reasonCode.startsWith('CONFIG_')) {
      throw new CliError(initial.reasonCode, initial.reason, EXIT_CONFIG);
    }
    const signal = await signals.stopped;
    logger.info(`${signal}: disconnecting gracefully`);
  } finally {
    await link.stop();
    await channel.close();
    inspector?.stop();
    signals.dispose();
  }
}

/**
 * The configuration as the link will read it (files, environment, proxy, CA), checked once before the
 * link exists, so an invalid one is ONE coded line (exit 3) and no state line.
 */
async function checkConfiguration(paths: { cloudDir: string; netdataConf?: string; claimConf?: string; ca?: string }): Promise<LinkConfig> {
  const files = {
    cloudDir: paths.cloudDir,
    ...(paths.netdataConf !== undefined ? { netdataConf: paths.netdataConf } : {}),
    ...(paths.claimConf !== undefined ? { claimConf: paths.claimConf } : {}),
  };
  try {
    return await new ResolvingConfigSource(fileConfigSource(files, process.env), process.env, paths.ca, () => undefined).load();
  } catch (error) {
    if (isLinkError(error)) throw new CliError(error.code, error.message, EXIT_CONFIG);
    throw error;
  }
}
