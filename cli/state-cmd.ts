/** `aclk state`: the live state of the `aclk run` using a cloud directory (PROTOCOL.md section 7). */
import type { Command } from 'commander';
import { cloudDirOf } from './parse.js';
import { readState } from './state-channel.js';
import { stateTable } from './state-format.js';
import { terminalJson } from './terminal-text.js';

interface StateFlags {
  readonly cloudDir?: string;
  readonly json?: boolean;
}

export function registerState(program: Command): void {
  program
    .command('state')
    .summary('show the live state of the `aclk run` using a cloud directory')
    .description('Asks the `aclk run` using the cloud directory (over its socket <cloud-dir>/aclk.sock) for its\n'
      + 'live state: the `netdatacli aclk-state json` fields. Exits 1 with LINK_NOT_RUNNING when no run\n'
      + 'uses that directory, LINK_STATE_DENIED when this user may not read it (ask as the run\'s user).')
    .option('--cloud-dir <dir>', 'cloud.d directory of the run (default: $ACLK_CLOUD_DIR or /var/lib/netdata/cloud.d)')
    .option('--json', 'print the state as one JSON object')
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk state --cloud-dir ./cloud.d\n'
      + '  $ aclk state --cloud-dir ./cloud.d --json | jq -r .state')
    .action(async (flags: StateFlags) => {
      const report = await readState(cloudDirOf(flags.cloudDir));
      if (flags.json) process.stdout.write(`${terminalJson(report.state)}\n`);
      else process.stdout.write(stateTable(report.state, `aclk run pid ${report.pid} (since ${report.startedAt}), cloud dir ${report.cloudDir}`));
    });
}
