/**
 * The cloud's answers about node instances, from the inbound dispatcher to the statechart:
 * CreateNodeInstanceResult (decoded, checked against the registry, the node id kept for the claim,
 * then NODE_CREATED) and SendNodeInstances (SEND_NODE_INSTANCES; its payload is ignored, as the agent does).
 */
import type { MessageDispatcher } from '../effects/dispatch.js';
import type { Logger, NodeIdStore, NodeWire } from '../effects/ports.js';
import type { Tracker } from '../effects/tracker.js';
import type { NodeEvent } from '../machines/types.js';

export interface NodeAnswerDeps {
  readonly dispatcher: MessageDispatcher;
  readonly wire: NodeWire;
  readonly nodeIds: NodeIdStore;
  /** The node asked for an id under the current claim and still waits for it (the statechart's registry). */
  readonly awaits: (machineGuid: string) => boolean;
  readonly claimId: () => string | null;
  /** Sends to the statechart (a no-op once the link is stopped). */
  readonly send: (event: NodeEvent) => void;
  readonly tracker: Tracker;
  readonly logger: Logger;
  readonly now: () => number;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function wireNodeAnswers(d: NodeAnswerDeps): void {
  d.dispatcher.on('CreateNodeInstanceResult', (message) => {
    let created: { machineGuid: string; nodeId: string };
    try {
      created = d.wire.decodeCreated(message.payload);
    } catch (error) {
      d.logger.warn('malformed CreateNodeInstanceResult', { code: (error as { code?: unknown }).code, error: messageOf(error) });
      return;
    }
    const claimId = d.claimId();
    // A late answer to a request of another claim (or for a node that is not waiting) must not be kept.
    if (claimId === null || !d.awaits(created.machineGuid)) {
      d.logger.warn('CreateNodeInstanceResult for a node that is not waiting for one', { machineGuid: created.machineGuid });
      return;
    }
    d.tracker.track(d.nodeIds.set(claimId, created.machineGuid, created.nodeId).catch((error: unknown) =>
      d.logger.warn('node id not kept', { machineGuid: created.machineGuid, error: messageOf(error) })));
    d.send({ type: 'NODE_CREATED', at: d.now(), machineGuid: created.machineGuid, nodeId: created.nodeId });
  });
  d.dispatcher.on('SendNodeInstances', () => d.send({ type: 'SEND_NODE_INSTANCES', at: d.now() }));
}
