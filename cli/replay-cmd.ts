/**
 * `aclk replay FILE [--verify] [--json] [--max-size MiB] [--inspect [port]] [--inspect-host host]`: re-runs a recording (`aclk run --record
 * FILE`) through the real statechart with a simulated clock and prints the state timeline; `--verify`
 * exits 1 at the first divergence from the recorded path; `--inspect` serves the Stately inspector and
 * replays paced, so a person watches the recorded run, then keeps serving until Ctrl-C. The file is
 * read as a stream of lines, at most --max-size MiB (default 256).
 */
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { inspectorFromFlags, type LocalInspector } from '../link/inspection.js';
import { replayFile } from '../simulations/replay/print.js';
import { CliError } from './errors.js';
import { intIn, requireFile } from './parse.js';
import { waitForStopSignal } from './signals.js';
import { terminalJsonText, terminalText } from './terminal-text.js';

interface ReplayFlags {
  readonly verify?: boolean;
  readonly json?: boolean;
  readonly slack?: number;
  readonly inspect?: number | true;
  readonly inspectHost?: string;
  readonly maxSize?: number;
  readonly pace?: number;
}

/** On a terminal, wait for Enter (time to open the inspector); otherwise start at once. */
async function waitForViewer(inspector: LocalInspector): Promise<void> {
  if (!process.stdin.isTTY) {
    process.stderr.write(`inspector: ${inspector.url} (replaying now)\n`);
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  await new Promise<void>((resolve) => rl.question(`inspector: open ${inspector.url}, then press Enter to start the replay `, () => resolve()));
  rl.close();
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
    .option('--max-size <MiB>', 'the largest recording read (default 256)', intIn(1, 65536))
    .option('--inspect [port]', 'serve the Stately inspector on http://127.0.0.1:<port> (default 8080) and replay paced', intIn(1, 65535))
    .option('--inspect-host <host>', 'listen for the inspector on <host> instead of 127.0.0.1 (implies --inspect; no authentication: warns)')
    .option('--pace <ms>', 'with --inspect: pause after each recorded event (default 250)', intIn(0, 60_000))
    .addHelpText('after', '\nExamples:\n'
      + '  $ aclk run --cloud-dir ./cloud.d --record run.jsonl\n'
      + '  $ aclk replay run.jsonl --verify --slack 1000\n'
      + '  $ aclk replay simulations/scenarios/outage-and-recovery.jsonl --json | jq \'.timeline[].state\'\n'
      + '  $ aclk replay simulations/scenarios/ban.jsonl --inspect 8080 --pace 500')
    .action(async (file: string, flags: ReplayFlags) => {
      const path = await requireFile(file, 'the recording');
      const inspector = await inspectorFromFlags(flags);
      const signals = inspector ? waitForStopSignal() : null;
      let code: number;
      try {
        if (inspector) await waitForViewer(inspector);
        code = await replayFile(path, {
          ...(flags.verify ? { verify: true } : {}),
          ...(flags.json ? { json: true } : {}),
          // The recording is outside input: its text reaches the terminal neutralised (JSON stays exact).
          field: terminalText,
          write: (text: string) => void process.stdout.write(flags.json ? terminalJsonText(text) : text),
          ...(flags.slack !== undefined ? { slackMs: flags.slack } : {}),
          ...(flags.maxSize !== undefined ? { maxBytes: flags.maxSize * 1024 * 1024 } : {}),
          ...(inspector ? { inspect: { observer: inspector.inspect, paceMs: flags.pace ?? 250 } } : {}),
        });
        if (inspector && signals) {
          process.stderr.write('replay done; the inspector stays open: Ctrl-C to quit\n');
          await signals.stopped;
        }
      } finally {
        await inspector?.stop();
        signals?.dispose();
      }
      if (code !== 0) throw new CliError('REPLAY_DIVERGED', 'the machine took a different path than the recording (see above)');
    });
}
