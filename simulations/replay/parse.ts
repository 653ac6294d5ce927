/**
 * Parsing a JSONL recording (link/recording-format.ts) into its header, event lines and state lines,
 * one line at a time (`RecordingParser`, for a file read as a stream) or all at once (`parseRecording`).
 * Every `seq` and `at` is a safe integer; event lines' `at` never goes back and stays within
 * `maxSpanMs` of the header's start (RECORDING_TIME_OUT_OF_RANGE): the replay clock jumps to each
 * event's time, firing every timer due before it, so an unbounded `at` would replay forever.
 */
import { LinkError } from '../../effects/errors.js';
import { RECORDING_VERSION, type EventLine, type HeaderLine, type StateLine } from '../../link/recording-format.js';

/** The simulated time a recording may cover by default: 31 days. */
export const DEFAULT_MAX_SPAN_MS = 31 * 24 * 60 * 60 * 1000;

export interface ParsedRecording {
  readonly header: HeaderLine;
  readonly events: readonly EventLine[];
  readonly states: readonly StateLine[];
  readonly lastSeq: number;
}

export interface RecordingLimits {
  /** The largest `at - header.input.now` of an event line, ms (default 31 days). */
  readonly maxSpanMs?: number;
}

/** A recording that cannot be read: code `RECORDING_INVALID` (or another RECORDING_* code), with the line number. */
export class RecordingError extends LinkError {
  constructor(readonly line: number, message: string, code = 'RECORDING_INVALID') {
    super(code, `recording line ${line}: ${message}`);
    this.name = 'RecordingError';
  }
}

const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export class RecordingParser {
  header: HeaderLine | null = null;
  readonly states: StateLine[] = [];
  lastSeq = 0;
  private lastEventAt = 0;
  private readonly maxSpanMs: number;

  constructor(limits: RecordingLimits = {}) {
    this.maxSpanMs = limits.maxSpanMs ?? DEFAULT_MAX_SPAN_MS;
  }

  /** One line of the file (1-based number): the event line it holds, or null (header, state, blank). */
  line(text: string, lineNo: number): EventLine | null {
    if (text.trim() === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new RecordingError(lineNo, 'not JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordingError(lineNo, 'not a JSON object');
    const line = value as { kind?: unknown; seq?: unknown; at?: unknown };
    if (line.kind === 'header') return this.headerLine(value as HeaderLine, lineNo);
    const header = this.header;
    if (!header) throw new RecordingError(lineNo, 'no header before the first line');
    if (typeof line.seq !== 'number' || typeof line.at !== 'number') throw new RecordingError(lineNo, 'seq and at must be numbers');
    if (!isTime(line.seq)) throw new RecordingError(lineNo, 'seq must be a non-negative safe integer');
    if (!isTime(line.at)) throw new RecordingError(lineNo, `at ${line.at} is not a time (a non-negative safe integer, ms)`, 'RECORDING_TIME_OUT_OF_RANGE');
    this.lastSeq = Math.max(this.lastSeq, line.seq);
    if (line.kind === 'state') {
      this.states.push(value as StateLine);
      return null;
    }
    if (line.kind !== 'event') throw new RecordingError(lineNo, `unknown line kind ${JSON.stringify(line.kind)}`);
    const e = value as EventLine;
    if (typeof e.event !== 'object' || e.event === null || typeof e.event.type !== 'string') throw new RecordingError(lineNo, 'an event line without an event type');
    if (e.at < this.lastEventAt) throw new RecordingError(lineNo, `at ${e.at} is before the previous event's ${this.lastEventAt}`, 'RECORDING_TIME_OUT_OF_RANGE');
    if (e.at - header.input.now > this.maxSpanMs) {
      throw new RecordingError(lineNo, `at ${e.at} is ${e.at - header.input.now} ms after the start: more than the ${this.maxSpanMs} ms a replay covers`, 'RECORDING_TIME_OUT_OF_RANGE');
    }
    this.lastEventAt = e.at;
    return e;
  }

  /** The header, once the input is over. */
  finish(): HeaderLine {
    if (!this.header) throw new RecordingError(0, 'empty recording (no header)');
    return this.header;
  }

  private headerLine(h: HeaderLine, lineNo: number): null {
    if (this.header) throw new RecordingError(lineNo, 'a second header');
    if (h.version !== RECORDING_VERSION) throw new RecordingError(lineNo, `unsupported recording version ${String(h.version)}`);
    if (typeof h.input !== 'object' || h.input === null || typeof h.input.seed !== 'number' || typeof h.input.settings !== 'object' || h.input.settings === null) {
      throw new RecordingError(lineNo, 'the header has no machine input');
    }
    if (!isTime(h.input.now)) throw new RecordingError(lineNo, 'the header\'s input.now must be a non-negative safe integer', 'RECORDING_TIME_OUT_OF_RANGE');
    this.header = h;
    this.lastEventAt = h.input.now;
    return null;
  }
}

export function parseRecording(input: string[] | string, limits: RecordingLimits = {}): ParsedRecording {
  const raw = typeof input === 'string' ? input.split('\n') : input;
  const parser = new RecordingParser(limits);
  const events: EventLine[] = [];
  raw.forEach((text, index) => {
    const event = parser.line(text, index + 1);
    if (event) events.push(event);
  });
  return { header: parser.finish(), events, states: parser.states, lastSeq: parser.lastSeq };
}
