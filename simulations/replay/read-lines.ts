/**
 * Reading a recording file as a stream of lines, within bounds: a file over `maxBytes` is refused
 * before anything is read (RECORDING_TOO_LARGE), a line over `maxLineBytes` as soon as it gets that
 * long (RECORDING_LINE_TOO_LONG), so neither a huge file nor one endless line is ever held whole.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { LinkError } from '../../effects/errors.js';

/** Largest recording file read by default: 256 MiB (`aclk replay --max-size` raises it). */
export const DEFAULT_MAX_RECORDING_BYTES = 256 * 1024 * 1024;
/** Largest line: 1 MiB (a header is well under 1 KiB). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface ReadLimits {
  readonly maxBytes?: number;
  readonly maxLineBytes?: number;
}

const tooLarge = (what: string, size: number, max: number) =>
  new LinkError('RECORDING_TOO_LARGE', `${what} is ${size} bytes, more than the ${max} a replay reads (raise it with --max-size <MiB>)`);

/** The file's lines, without their `\n` (and a final line without one), decoded as UTF-8. */
export async function* readRecordingLines(path: string, limits: ReadLimits = {}): AsyncGenerator<string> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_RECORDING_BYTES;
  const maxLine = limits.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const info = await stat(path);
  if (info.size > maxBytes) throw tooLarge(`the recording ${path}`, info.size, maxBytes);
  let parts: Buffer[] = [];
  let partLength = 0;
  let total = 0;
  let lineNo = 1;
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge(`the recording ${path} (it grew while read)`, total, maxBytes);
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      if (partLength + nl - from > maxLine) break;
      const line = Buffer.concat([...parts, chunk.subarray(from, nl)]).toString('utf8');
      parts = [];
      partLength = 0;
      from = nl + 1;
      lineNo += 1;
      yield line;
    }
    parts.push(chunk.subarray(from));
    partLength += chunk.length - from;
    if (partLength > maxLine) {
      throw new LinkError('RECORDING_LINE_TOO_LONG', `recording line ${lineNo} is longer than ${maxLine} bytes`);
    }
  }
  if (partLength > 0) yield Buffer.concat(parts).toString('utf8');
}
