/**
 * Reads mosquitto 2.0's connection log lines (published on `$SYS/broker/log/N` with `log_dest topic`):
 * who connected with which user name, and who went away. Mosquitto has no per-client event API, so the
 * dev cloud follows its log; the formats are those of mosquitto 2.0.
 */

export type LogEvent =
  | { readonly kind: 'connected'; readonly clientId: string; readonly username: string }
  | { readonly kind: 'gone'; readonly clientId: string };

const CONNECTED = /New client connected from \S+ as (\S+) \([^)]*?u'([^']*)'\)/;
/** "closed its connection", "disconnected.", "has exceeded timeout", "disconnected due to ...",
 * "been disconnected by administrative action", "already connected, closing old connection". */
const GONE = /^Client (\S+) (?:closed its connection|disconnected(?!, not authori[sz]ed)|has exceeded timeout|been disconnected|already connected, closing old connection)/;
const SOCKET_ERROR = /^Socket error on client (\S+), disconnecting/;

export function parseLogLine(raw: string): LogEvent | undefined {
  const line = raw.replace(/^\d+: /, '').trim();
  const connected = CONNECTED.exec(line);
  if (connected !== null) return { kind: 'connected', clientId: connected[1] ?? '', username: connected[2] ?? '' };
  const gone = GONE.exec(line) ?? SOCKET_ERROR.exec(line);
  if (gone !== null && gone[1] !== '<unknown>') return { kind: 'gone', clientId: gone[1] ?? '' };
  return undefined;
}
