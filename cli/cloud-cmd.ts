/**
 * `aclk cloud`: the development cloud (devcloud/) as a process. When ready it prints ONE JSON
 * line on stdout `{"url","token","adminToken","ca"}` (the only place the CLI prints secrets, by design),
 * logs to stderr, and closes cleanly on SIGINT/SIGTERM (exit 0).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { BrokerKind } from '../devcloud/index.js';
import { loadDevCloud } from './dev-cloud-module.js';
import { stderrLogger } from './logger.js';
import { intIn, stateDirOf } from './parse.js';
import { waitForStopSignal } from './signals.js';

interface CloudFlags {
  readonly port: number;
  readonly host: string;
  readonly stateDir?: string;
  readonly broker: BrokerKind;
  readonly quiet?: boolean;
}

export function registerCloud(program: Command): void {
  program
    .command('cloud')
    .summary('run the development cloud (HTTPS API + MQTT broker + admin API)')
    .description('Starts the development cloud. When it is ready, prints ONE JSON line on stdout:\n'
      + '{"url", "token" (claim token), "adminToken", "ca" (path of its CA certificate, PEM)}\n'
      + 'then runs, logging to stderr, until SIGINT/SIGTERM. Its CA, certificates and tokens are kept in\n'
      + 'the state directory and reused on later starts. A real Netdata agent (v2) speaks only MQTT 5:\n'
      + 'serve it with --broker mosquitto (with aedes env offers only MQTTv3 and the agent finds no transport).')
    .option('--port <n>', 'TCP port (0: any free port; pass a fixed one to keep the URL across restarts)', intIn(0, 65535), 0)
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--state-dir <dir>', 'CA, certificates, tokens, claimed nodes and node ids (default: $XDG_STATE_HOME/aclk/dev-cloud)')
    .addOption(new Option('--broker <kind>', 'MQTT broker: embedded aedes (MQTT 3.1.1) or Debian\'s mosquitto (MQTT 5)').choices(['aedes', 'mosquitto']).default('aedes'))
    .option('--quiet', 'log warnings and errors only')
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk cloud --port 8443 --state-dir ./dev-cloud\n'
      + '  $ aclk cloud --broker mosquitto > cloud.json   # then: jq -r .token cloud.json')
    .action(async (flags: CloudFlags) => {
      const logger = stderrLogger(flags.quiet ? 'warn' : 'info', 'cloud');
      const { startDevCloud } = await loadDevCloud();
      const cloud = await startDevCloud({ stateDir: stateDirOf(flags.stateDir), port: flags.port, host: flags.host, broker: flags.broker, logger });
      const signals = waitForStopSignal();
      process.stdout.write(`${JSON.stringify({ url: cloud.url, token: cloud.token, adminToken: cloud.adminToken, ca: cloud.caPath })}\n`);
      logger.info('dev cloud ready; Ctrl-C to stop', { url: cloud.url, broker: cloud.broker.kind });
      const signal = await signals.stopped;
      logger.info(`${signal}: closing the dev cloud`);
      await cloud.close();
      signals.dispose();
      logger.info('dev cloud closed');
    });
}
