/** How states are printed: the `aclk run` line per change (human or JSON) and the `aclk state` table. */
import type { LinkState } from '../link/state.js';
import { terminalText } from './terminal-text.js';

/** `--json`: one object per line per state change. Contains no secret (LinkState holds none). */
export function changeRecord(state: LinkState, time: Date): Record<string, unknown> {
  return {
    time: time.toISOString(),
    state: state.state,
    reason: state.reason,
    code: state.reasonCode,
    online: state.online,
    claimId: state.claimId,
    cloudUrl: state.cloudUrl,
    attempt: state.attempt,
    reconnectCount: state.reconnectCount,
    nextAttempt: state.nextConnectionAttempt,
    backoffMs: state.lastBackoffMs,
    bannedByCloud: state.bannedByCloud,
    mqttVersion: state.mqttVersion,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * One compact line: `12:00:01.234 backoff.waiting  CLOUD_DISCONNECT: cloud requested disconnect (next
 * attempt in 5.0 s)`; `stamp` replaces the time of day (the demo shows the time since its start).
 */
export function changeLine(state: LinkState, time: Date, stamp?: string): string {
  const clock = stamp ?? time.toISOString().slice(11, 23);
  let extra = '';
  if (state.top === 'backoff' && state.nextConnectionAttempt !== null) {
    const wait = Math.max(0, Date.parse(state.nextConnectionAttempt) - time.getTime());
    extra = ` (next attempt in ${seconds(wait)}${state.bannedByCloud ? ', banned by the cloud' : ''})`;
  } else if (state.online && state.mqttVersion !== null) {
    extra = ` (MQTT ${state.mqttVersion === 5 ? '5' : '3.1.1'})`;
  }
  // The reason may quote the cloud (an error body): no control character reaches the terminal.
  return terminalText(`${clock} ${state.state.padEnd(26)} ${state.reasonCode}: ${state.reason}${extra}`);
}

const cell = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return '-';
  // A list (node-instances): one `k=v ...` group per item, `;`-separated; `-` when empty.
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join('; ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${v === null ? '-' : String(v)}`).join(' ');
  }
  return String(value);
};

/** The `aclk state` table: one `key  value` row per field of PROTOCOL.md section 7. */
export function stateTable(fields: Record<string, unknown>, header?: string): string {
  const width = Math.max(...Object.keys(fields).map((k) => k.length));
  const rows = Object.entries(fields).map(([k, v]) => terminalText(`${k.padEnd(width)}  ${cell(v)}`));
  return `${header !== undefined ? `${terminalText(header)}\n` : ''}${rows.join('\n')}\n`;
}
