/**
 * Inspection for people: `@statelyai/inspect` events, always sanitised (the recording's sanitiser:
 * no credential, token, key or `user:pass@` ever leaves), and a local inspector server for
 * `aclk run --inspect` / `aclk replay --inspect` (inspector-server.ts: loopback unless asked,
 * Origin-checked, viewers only receive). `@statelyai/inspect` is loaded only when inspection is asked for.
 */
import type { InspectionEvent, Observer } from 'xstate';
import { isLoopbackHost } from './inspector-origin.js';
import { startInspectorServer, type InspectorServer, type InspectorServerOptions } from './inspector-server.js';
import { importOptional } from './optional-package.js';
import { Sanitizer } from './recording-sanitize.js';

/** A `serialize` option for `@statelyai/inspect`: a secret-free copy of every inspection event. */
export function sanitizeInspection<T>(): (event: T) => T {
  const sanitizer = new Sanitizer();
  return (event) => sanitizer.clean(event) as T;
}

export const DEFAULT_INSPECT_PORT = 8080;
export const DEFAULT_INSPECT_HOST = '127.0.0.1';

export interface LocalInspector {
  /** Pass to `createLink({ inspect })` / `createCloudLink({ inspect })`. */
  readonly inspect: Observer<InspectionEvent>;
  /** Open this in a browser. */
  readonly url: string;
  readonly server: InspectorServer;
  stop(): Promise<void>;
}

export interface LocalInspectorOptions extends Omit<InspectorServerOptions, 'port'> {
  /** Told when the server is reachable from other hosts (default: a line on stderr). */
  readonly onWarning?: (line: string) => void;
}

const stderrLine = (line: string): void => void process.stderr.write(`${line}\n`);

/**
 * The inspector server on `host:port` (default 127.0.0.1), fed in-process by a sanitised
 * `@statelyai/inspect` inspector. Fails with INSPECT_PORT_IN_USE / INSPECT_HOST_UNAVAILABLE.
 */
export async function startLocalInspector(port: number, options: LocalInspectorOptions = {}): Promise<LocalInspector> {
  const { onWarning, ...serverOptions } = options;
  const host = options.host ?? DEFAULT_INSPECT_HOST;
  // An optional package (optional-package.ts): loaded first, so its absence opens no port.
  const { createInspector } = await importOptional(['@statelyai/inspect'], () => import('@statelyai/inspect'));
  const server = await startInspectorServer({ ...serverOptions, port, host });
  if (!isLoopbackHost(host)) {
    (onWarning ?? stderrLine)(`warning: the inspector listens on ${host}:${server.address().port} without authentication: `
      + 'whoever can reach it sees this link\'s (sanitised) states and events');
  }
  const inspector = createInspector({
    send: (event) => {
      let message: string | undefined;
      try {
        message = JSON.stringify(event);
      } catch {
        return; // not serialisable: not shown
      }
      if (message !== undefined) server.publish(message);
    },
  }, { serialize: sanitizeInspection() });
  return {
    inspect: inspector.inspect,
    url: server.url,
    server,
    async stop() {
      inspector.stop();
      await server.stop();
    },
  };
}

/** The CLI's `--inspect [port]` / `--inspect-host <host>`: null without either (a host alone implies the default port). */
export async function inspectorFromFlags(flags: { readonly inspect?: number | boolean; readonly inspectHost?: string }): Promise<LocalInspector | null> {
  if (flags.inspect === undefined && flags.inspectHost === undefined) return null;
  const port = typeof flags.inspect === 'number' ? flags.inspect : DEFAULT_INSPECT_PORT;
  return startLocalInspector(port, flags.inspectHost !== undefined ? { host: flags.inspectHost } : {});
}
