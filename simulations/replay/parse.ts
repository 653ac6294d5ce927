/** Parsing a JSONL recording (link/recording-format.ts) into its header, event lines and state lines. */
import { LinkError } from '../../effects/errors.js';
import { RECORDING_VERSION, type EventLine, type HeaderLine, type StateLine } from '../../link/recording-format.js';

export interface ParsedRecording {
  readonly header: HeaderLine;
  readonly events: readonly EventLine[];
  readonly states: readonly StateLine[];
  readonly lastSeq: number;
}

/** A recording that cannot be read: code `RECORDING_INVALID`, with the line number. */
export class RecordingError extends LinkError {
  constructor(readonly line: number, message: string) {
    super('RECORDING_INVALID', `recording line ${line}: ${message}`);
    this.name = 'RecordingError';
  }
}

export function parseRecording(input: string[] | string): ParsedRecording {
  const raw = typeof input === 'string' ? input.split('\n') : input;
  let header: HeaderLine | null = null;
  const events: EventLine[] = [];
  const states: StateLine[] = [];
  let lastSeq = 0;
  raw.forEach((text, index) => {
    const lineNo = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RecordingError(lineNo, 'not JSON');
    }
    const line = value as { kind?: unknown; seq?: unknown; at?: unknown };
    if (line.kind === 'header') {
      const h = value as HeaderLine;
      if (header) throw new RecordingError(lineNo, 'a second header');
      if (h.version !== RECORDING_VERSION) throw new RecordingError(lineNo, `unsupported recording version ${String(h.version)}`);
      if (typeof h.input?.now !== 'number' || typeof h.input.seed !== 'number' || typeof h.input.settings !== 'object') {
        throw new RecordingError(lineNo, 'the header has no machine input');
      }
      header = h;
      return;
    }
    if (!header) throw new RecordingError(lineNo, 'no header before the first line');
    if (typeof line.seq !== 'number' || typeof line.at !== 'number') throw new RecordingError(lineNo, 'seq and at must be numbers');
    lastSeq = Math.max(lastSeq, line.seq);
    if (line.kind === 'event') {
      const e = value as EventLine;
      if (typeof e.event?.type !== 'string') throw new RecordingError(lineNo, 'an event line without an event type');
      events.push(e);
    } else if (line.kind === 'state') {
      states.push(value as StateLine);
    } else {
      throw new RecordingError(lineNo, `unknown line kind ${JSON.stringify(line.kind)}`);
    }
  });
  if (!header) throw new RecordingError(0, 'empty recording (no header)');
  return { header, events, states, lastSeq };
}
