/**
 * Inspection for people: `@statelyai/inspect` events, always sanitised (the recording's sanitiser:
 * no credential, token, key or `user:pass@` ever leaves), and a local inspector server for
 * `aclk run --inspect`. `@statelyai/inspect` is loaded only when inspection is asked for.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { Sanitizer } from './recording-sanitize.js';

/** A `serialize` option for `@statelyai/inspect`: a secret-free copy of every inspection event. */
export function sanitizeInspection<T>(): (event: T) => T {
  const sanitizer = new Sanitizer();
  return (event) => sanitizer.clean(event) as T;
}

export interface LocalInspector {
  /** Pass to `createLink({ inspect })` / `createCloudLink({ inspect })`. */
  readonly inspect: Observer<InspectionEvent>;
  /** Open this in a browser. */
  readonly url: string;
  stop(): void;
}

/** `@statelyai/inspect`'s inspector server on `port` (loopback) plus a sanitised WebSocket inspector. */
export async function startLocalInspector(port: number): Promise<LocalInspector> {
  const { createInspectorServer } = await import('@statelyai/inspect/server');
  const { createWebSocketInspector } = await import('@statelyai/inspect');
  const server = createInspectorServer({ port, autoOpen: false });
  const inspector = createWebSocketInspector({ url: `ws://localhost:${port}`, serialize: sanitizeInspection() });
  return {
    inspect: inspector.inspect,
    url: `http://localhost:${port}`,
    stop() {
      inspector.stop();
      server.stop();
    },
  };
}
