#!/usr/bin/env node
/**
 * `aclk`: the Agent-Cloud Link's command line. Every failure is ONE line `CODE: message` on stderr
 * and a non-zero exit (1 runtime, 2 usage, 3 invalid configuration); never a stack trace (ACLK_DEBUG=1 adds it).
 */
import { Command, CommanderError } from 'commander';
import { LINK_VERSION } from '../link/create-link.js';
import { registerClaim } from './claim-cmd.js';
import { registerCloudCtl } from './cloud-ctl-cmd.js';
import { registerCloud } from './cloud-cmd.js';
import { registerDemo } from './demo-cmd.js';
import { registerDiagram } from './diagram-cmd.js';
import { EXIT_USAGE, reportFailure } from './errors.js';
import { registerReplay } from './replay-cmd.js';
import { registerRun } from './run-cmd.js';
import { registerState } from './state-cmd.js';

export function buildProgram(): Command {
  const program = new Command('aclk')
    .description('Agent-Cloud Link: keep a host agent connected to its cloud (MQTT over secure WebSockets).')
    .version(LINK_VERSION, '-V, --version')
    .exitOverride()
    // Errors are printed by main() as one coded line; help still goes where commander sends it.
    .configureOutput({ outputError: () => undefined })
    .showSuggestionAfterError(true)
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk demo --once                       # a guided tour against an in-process dev cloud\n'
      + '  $ aclk cloud --state-dir ./dev-cloud > cloud.json\n'
      + '  $ aclk claim --url "$(jq -r .url cloud.json)" --token "$(jq -r .token cloud.json)" \\\n'
      + '        --ca "$(jq -r .ca cloud.json)" --cloud-dir ./cloud.d\n'
      + '  $ aclk run --cloud-dir ./cloud.d --ca "$(jq -r .ca cloud.json)" --json\n'
      + '  $ aclk state --cloud-dir ./cloud.d\n'
      + '\nExit codes: 0 ok, 1 failure (CODE: message on stderr), 2 usage error, 3 invalid configuration (aclk run).');
  registerCloud(program);
  registerClaim(program);
  registerRun(program);
  registerState(program);
  registerCloudCtl(program);
  registerDemo(program);
  registerReplay(program);
  registerDiagram(program);
  return program;
}

const QUIET_EXITS = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

/** `aclk <command>` for the "see ... --help" hint of a usage error. */
function commandPath(program: Command, argv: readonly string[]): string {
  const names = new Set(program.commands.map((c) => c.name()));
  const first = argv.find((a) => !a.startsWith('-'));
  return first !== undefined && names.has(first) ? `aclk ${first}` : 'aclk';
}

async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    // Help shown because a command was missing is a usage error (exit 2); asked-for help exits 0.
    if (error instanceof CommanderError && QUIET_EXITS.has(error.code)) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    return reportFailure(error, commandPath(program, argv));
  }
}

const code = await main(process.argv.slice(2));
// stdout/stderr are synchronous for files and pipes on Linux; exit even if a library left a handle open.
process.stdout.write('', () => process.exit(code));
