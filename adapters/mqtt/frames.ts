/**
 * One WebSocket frame per flush of the MQTT stream, not one per `write`.
 *
 * mqtt-packet writes a PUBLISH as six or seven small `stream.write`s (fixed header, length, topic
 * length, topic, packet id, properties, payload) inside a cork that lasts until the next tick. The
 * stream `ws` builds for mqtt.js (`createWebSocketStream`) has no `_writev`, so every one of those
 * writes became a WebSocket frame of its own: its own masking, TLS record and socket write, about
 * 30 us per 1 KiB publish. Given this `writev` (a Duplex option, passed through mqtt.js's
 * `wsOptions`), the writes buffered by one cork, or while the previous frame was still being written,
 * leave as one frame. MQTT over WebSocket allows a frame to carry several or partial packets (MQTT 5.0
 * and 3.1.1, section 6), and the bytes and their order are unchanged.
 */
import type { Duplex } from 'node:stream';

/** Chunks are joined into frames of about this size; a larger chunk is sent as a frame of its own. */
export const FRAME_BYTES = 64 * 1024;

interface Chunk {
  readonly chunk: unknown;
  readonly encoding: BufferEncoding;
}

type Done = (error?: Error | null) => void;

/** What node's streams pass to `_write` for a Buffer chunk (not in the BufferEncoding type). */
const AS_BUFFER = 'buffer' as BufferEncoding;

const toBuffer = ({ chunk, encoding }: Chunk): Buffer =>
  Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk as Uint8Array);

/** Groups `buffers` in order into frames of at most `limit` bytes (a larger buffer alone; empty ones dropped). */
export function frameGroups(buffers: readonly Buffer[], limit = FRAME_BYTES): Buffer[] {
  const frames: Buffer[] = [];
  let group: Buffer[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (group.length > 0) frames.push(group.length === 1 ? group[0] as Buffer : Buffer.concat(group, bytes));
    group = [];
    bytes = 0;
  };
  for (const buffer of buffers) {
    if (buffer.length === 0) continue;
    if (bytes > 0 && bytes + buffer.length > limit) flush();
    group.push(buffer);
    bytes += buffer.length;
  }
  flush();
  return frames;
}

/**
 * `writev` of the WebSocket stream: the buffered chunks as few frames as `frameGroups` allows, each
 * through the stream's own `_write` (which waits for the socket to open and reports errors); `done`
 * once every frame is written, with the first error.
 */
export function writeFrames(this: Duplex, chunks: readonly Chunk[], done: Done): void {
  const frames = frameGroups(chunks.map(toBuffer));
  let left = frames.length;
  let failed = false;
  const written = (error?: Error | null): void => {
    if (failed) return;
    if (error) {
      failed = true;
      done(error);
      return;
    }
    left -= 1;
    if (left === 0) done();
  };
  if (left === 0) {
    done();
    return;
  }
  for (const frame of frames) this._write(frame, AS_BUFFER, written);
}
