/**
 * PUBACKs the statechart would ignore are not sent to it. It counts them only in `connected.online`
 * (its backoff reset rule): once the 30 s timer has reset the backoff (`connected.stable`), a PUBACK
 * changes nothing, and each one cost a step of the machine. (The transport effect already stops after
 * the first few of a session.) Checked against the machine itself (`can`), so a machine that did
 * handle them would still get them.
 */
import type { LinkEvent } from '../machines/types.js';

/** The part of the root actor this needs. */
export interface MachineRef {
  getSnapshot(): { readonly value: unknown; can(event: LinkEvent): boolean };
}

const isStable = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && (value as { connected?: unknown }).connected === 'stable';

export function sparePubacks(sendBack: (event: LinkEvent) => void, machine: () => MachineRef | null): (event: LinkEvent) => void {
  return (event) => {
    if (event.type === 'PUBACK') {
      const snapshot = machine()?.getSnapshot();
      if (snapshot && isStable(snapshot.value) && !snapshot.can(event)) return;
    }
    sendBack(event);
  };
}
