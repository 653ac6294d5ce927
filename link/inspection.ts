/**
 * Inspection for people: `@statelyai/inspect` events, always sanitised (the recording's sanitiser:
 * no credential, token, key or `user:pass@` ever leaves), and a local inspector server for
 * `aclk run --inspect`. `@statelyai/inspect` is loaded only when inspection is asked for.
 */
import { createServer } from 'node:net';
import type { InspectionEvent, Observer } from 'xstate';
import { LinkError } from '../effects/errors.js';
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

/** Fails with INSPECT_PORT_IN_USE when `port` cannot be listened on (the inspector server would crash). */
async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      reject(new LinkError('INSPECT_PORT_IN_USE', `the inspector cannot listen on port ${port} (${error.code ?? error.message}); pick another with --inspect <port>`));
    });
    probe.listen(port, () => probe.close(() => resolve()));
  });
}

/**
 * `@statelyai/inspect`'s inspector server on `port` plus a sanitised WebSocket inspector. The server
 * listens on every interface (it has no host option); what it relays is sanitised.
 */
export async function startLocalInspector(port: number): Promise<LocalInspector> {
  await checkPortFree(port);
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
