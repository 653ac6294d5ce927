/** Where a recording goes: any `{ write(line) }`; an in-memory sink and an append-only file. */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface RecordSink {
  write(line: string): void;
  /** Called once when the link stops. */
  close?(): void;
}

/** Lines kept in memory (tests, benchmarks, the replay's input). */
export function memorySink(): RecordSink & { readonly lines: string[]; text(): string } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line), text: () => `${lines.join('\n')}\n` };
}

/**
 * Appends the recording to a file (created 0600). By default every line is written at once (a crash
 * loses nothing); `buffered` collects up to 64 KiB between writes. Closed when the link stops.
 */
export function fileRecorder(path: string, options: { buffered?: boolean } = {}): RecordSink & { flush(): void } {
  const fd = openSync(path, 'a', 0o600);
  let buffer: string[] = [];
  let size = 0;
  let open = true;
  const flush = () => {
    if (buffer.length === 0 || !open) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    write(line) {
      if (!open) return;
      if (!options.buffered) {
        writeSync(fd, `${line}\n`);
        return;
      }
      buffer.push(`${line}\n`);
      size += line.length + 1;
      if (size >= 65_536) flush();
    },
    flush,
    close() {
      if (!open) return;
      flush();
      open = false;
      closeSync(fd);
    },
  };
}
