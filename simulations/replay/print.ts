/**
 * A CLI-free runner for `aclk replay FILE [--verify] [--json] [--inspect]`: replays a recording file and prints
 * its state timeline as text or JSON. Returns the exit code: 0, or 1 when `verify` found a divergence.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { readRecordingLines, type ReadLimits } from './read-lines.js';
import { replayRecording, type ReplayOptions, type ReplayResult } from './replay.js';
import { replayLines } from './stream.js';

export interface PrintOptions extends ReadLimits, Pick<ReplayOptions, 'maxSpanMs' | 'maxTimers'> {
  readonly verify?: boolean;
  readonly json?: boolean;
  readonly slackMs?: number;
  /** Paced replay for an inspector: the inspector, and the pause after each recorded line (ms). */
  readonly inspect?: { readonly observer: Observer<InspectionEvent>; readonly paceMs: number };
  /** Where the text goes (default: stdout). */
  readonly write?: (text: string) => void;
  /** Applied to every text field of the human timeline (the CLI neutralises control characters: the file is outside input). */
  readonly field?: (text: string) => string;
}

const seconds = (ms: number): string => `+${(ms / 1000).toFixed(3)}s`;

export function formatReplay(result: ReplayResult, options: { json?: boolean; field?: (text: string) => string } = {}): string {
  if (options.json) {
    const { header, ...rest } = result;
    return `${JSON.stringify({ seed: header.seed, policy: header.policy, linkVersion: header.linkVersion, start: header.input.now, ...rest }, null, 2)}\n`;
  }
  const f = options.field ?? ((text: string) => text);
  const start = result.header.input.now;
  const rows = result.timeline.map((e) =>
    `${seconds(e.at - start).padStart(12)}  ${new Date(e.at).toISOString()}  ${f(e.state).padEnd(26)} ${f(e.code).padEnd(20)} ${f(e.reason)}`);
  const { header } = result;
  const summary = [
    `${result.timeline.length} states, ${result.eventsSent} recorded events, ${result.delayedFired} timers, ${(result.spanMs / 1000).toFixed(1)} s recorded` +
      ` (link ${f(String(header.linkVersion))}, xstate ${f(String(header.xstate))}, seed ${header.seed}, policy ${f(String(header.policy))})`,
  ];
  if (result.divergence === null) summary.push('verify: the replay matches the recording');
  else if (result.divergence) {
    const d = result.divergence;
    summary.push(`verify: DIVERGES at seq ${d.seq} (${d.kind})`, `  expected: ${f(JSON.stringify(d.expected))}`, `  actual:   ${f(JSON.stringify(d.actual))}`);
  }
  return `${[...rows, ...summary].join('\n')}\n`;
}

function replayOptions(options: PrintOptions): ReplayOptions {
  return {
    ...(options.verify ? { verify: true } : {}),
    ...(options.slackMs !== undefined ? { slackMs: options.slackMs } : {}),
    ...(options.maxSpanMs !== undefined ? { maxSpanMs: options.maxSpanMs } : {}),
    ...(options.maxTimers !== undefined ? { maxTimers: options.maxTimers } : {}),
  };
}

function print(result: ReplayResult, options: PrintOptions): number {
  (options.write ?? ((t: string) => void process.stdout.write(t)))(formatReplay(result, options.json ? { json: true } : options.field ? { field: options.field } : {}));
  return result.divergence ? 1 : 0;
}

/** Replay recording text and print it; the exit code. */
export function printReplay(text: string, options: PrintOptions = {}): number {
  return print(replayRecording(text, replayOptions(options)), options);
}

/**
 * Read a recording file as a stream of lines (bounded: `maxBytes`, default 256 MiB, and `maxLineBytes`),
 * replay it (paced when inspected) and print it; the exit code.
 */
export async function replayFile(path: string, options: PrintOptions = {}): Promise<number> {
  const lines = readRecordingLines(path, {
    ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
    ...(options.maxLineBytes !== undefined ? { maxLineBytes: options.maxLineBytes } : {}),
  });
  const inspect = options.inspect ? { inspect: options.inspect.observer, paceMs: options.inspect.paceMs } : {};
  return print(await replayLines(lines, { ...replayOptions(options), ...inspect }), options);
}
