/**
 * Agent-Cloud Link: the public surface.
 *
 * - `linkMachine`: the statechart (pure; every effect, guard, action and delay named).
 * - `createLink`: the composition root over ports (real adapters, simulated twins, or your own).
 * - `parseProxySetting`, `redactProxy`: proxy settings as netdata writes them, resolved and shown safely.
 */
export { linkMachine, type LinkMachine } from './machines/link.machine.js';
export { DEFAULT_TIMINGS, defaultSettings } from './machines/defaults.js';
export { BACKOFF_POLICIES, policyDelay, type BackoffParams, type BackoffPolicyName } from './machines/backoff/policy.js';
export { planWait, resolveBackoffParams, type WaitPlan } from './machines/backoff/plan.js';
export type { LinkContext, LinkEvent, LinkInput, LinkSettings, Timings } from './machines/types.js';
export type { CloudErrorBody, Failure } from './machines/failure.js';

export { createLink, LINK_VERSION, type LinkHandle } from './link/create-link.js';
export { createCloudLink, type CloudLinkOptions } from './link/cloud-link.js';
export type { LinkOptions } from './link/options.js';
export { toAclkStateJson, type LinkState } from './link/state.js';
export { createRecorder, fileRecorder, memorySink, type RecordSink } from './link/record.js';
export { replayRecording, replayPaced, type Divergence, type ReplayResult } from './simulations/replay/index.js';

export { LinkError } from './effects/errors.js';
export type { OutboxOptions, OutboxPolicy } from './effects/outbox.js';
export type { InboundMessage, MessageHandler } from './effects/dispatch.js';
export type * from './effects/ports.js';

export { parseProxySetting } from './adapters/proxy/parse.js';
export { redactProxy } from './adapters/proxy/redact.js';
export type { ProxyResult, ResolvedProxy } from './adapters/proxy/types.js';
