/**
 * The oracle of node instances (PROTOCOL.md section 8), from the simulated world's own records: what
 * the broker accepted on the node-instance topics, what the cloud answered, which nodes the host
 * registered. Independent of the link's code; checked at every publish and after every step:
 *  (n1) no node message unless the link is connected (nothing about a node leaves a disabled,
 *       unclaimed, connecting or backing-off link);
 *  (n2) a node is reported (UpdateNodeInstanceConnection) only with the node id the cloud gave it
 *       under the current claim;
 *  (n3) in every session up for a second, each registered node has been reported (created, or
 *       its connection sent) in that session;
 *  (n4) a node id that reached the link while its node was registered is never requested again for
 *       that machine GUID and claim. (An answer for a node the host removed meanwhile is dropped, as
 *       the agent drops one for a host it cannot find; registering the node again asks again.)
 */
import { parseSimNodePayload } from '../world/sim-nodes.js';
import type { SimWorld } from '../world/world.js';

export class NodeInvariants {
  readonly violations: string[] = [];
  /** Machine GUIDs the host has registered (and not removed). */
  readonly registered = new Set<string>();
  /** `session guid` of every create or connection sent. */
  private readonly reported = new Set<string>();
  /** `claim guid` of every node id that reached the link while its node was registered. */
  private readonly kept = new Set<string>();

  constructor(private readonly w: SimWorld) {
    w.broker.onPublish = (topicName, payload, session) => this.onPublish(topicName, payload, session);
    w.nodes.onReceived = (claimId, machineGuid) => {
      if (this.registered.has(machineGuid)) this.kept.add(`${claimId} ${machineGuid}`);
    };
  }

  private fail(message: string): void {
    this.violations.push(`${new Date(this.w.clock.now()).toISOString()} ${message}`);
  }

  private onPublish(topicName: string, payload: Uint8Array, session: number): void {
    const p = parseSimNodePayload({ topicName, payload, session });
    if (!p) return;
    const state = this.w.link.getState();
    if (state.top !== 'connected') this.fail(`(n1) ${p.kind} for ${p.machineGuid} while ${state.state}`);
    const key = `${p.claimId} ${p.machineGuid}`;
    if (p.kind === 'create' && this.kept.has(key)) this.fail(`(n4) CreateNodeInstance again for ${p.machineGuid}, whose node id the link has`);
    if (p.kind === 'connection' && p.nodeId !== this.w.nodes.ids.get(key)) this.fail(`(n2) ${p.machineGuid} reported with node id ${p.nodeId ?? 'none'}, not the cloud's ${this.w.nodes.ids.get(key) ?? 'none'}`);
    if (p.kind === 'create' || p.kind === 'connection') this.reported.add(`${session} ${p.machineGuid}`);
  }

  /** (n3), after every step. */
  check(): void {
    const state = this.w.link.getState().state;
    if (state !== 'connected.online' && state !== 'connected.stable') return;
    for (const s of this.w.broker.open) {
      if (s.closing || s.upAt === null || this.w.clock.now() - s.upAt < 1_000) continue;
      for (const guid of this.registered) {
        if (!this.reported.has(`${s.id} ${guid}`)) this.fail(`(n3) session ${s.id} up for ${this.w.clock.now() - s.upAt} ms without reporting ${guid}`);
      }
    }
  }
}
