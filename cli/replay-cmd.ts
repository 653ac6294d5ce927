/**
 * `aclk replay FILE [--verify] [--json]`: re-runs a recording (`aclk run --record FILE`) through the real
 * statechart with a simulated clock and prints the state timeline; `--verify` exits 1 at the first
 * divergence from the recorded path.
 */
import type { Command } from 'commander';
import { replayFile } from '../simulations/replay/print.js';
import { CliError } from './errors.js';
import { intIn, requireFile } from './parse.js';

interface ReplayFlags {
  readonly verify?: boolean;
  readonly json?: boolean;
  readonly slack?: number;
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .summary('replay a recording through the statechart and print its timeline')
    .description('Re-runs a JSONL recording (aclk run --record FILE, or createLink({ record })) through the real\n'
      + 'statechart with a simulated clock: far faster than real time, and the same output every time.\n'
      + '--verify exits 1, showing the first divergence, when the machine now takes a different path.')
    .argument('<file>', 'the recording (JSONL)')
    .option('--verify', 'compare with the recorded states; exit 1 at the first divergence')
    .option('--json', 'the timeline as JSON')
    .option('--slack <ms>', 'tolerate timers that fired this late in a real run (default 0)', intIn(0, 60_000))
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk run --cloud-dir ./cloud.d --record run.jsonl\n'
      + '  $ aclk replay run.jsonl --verify --slack 1000\n'
      + '  $ aclk replay simulations/scenarios/outage.jsonl --json | jq \'.timeline[].state\'')
    .action(async (file: string, flags: ReplayFlags) => {
      const path = await requireFile(file, 'the recording');
      const code = await replayFile(path, {
        ...(flags.verify ? { verify: true } : {}),
        ...(flags.json ? { json: true } : {}),
        ...(flags.slack !== undefined ? { slackMs: flags.slack } : {}),
      });
      if (code !== 0) throw new CliError('REPLAY_DIVERGED', 'the machine took a different path than the recording (see above)');
    });
}
