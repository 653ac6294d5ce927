/**
 * Pure guard predicates, one per named guard of the statechart.
 */
import type { SomeEvent } from './updates.js';
import type { LinkContext, LinkSettings } from './types.js';

function isOff(c: LinkContext): boolean {
  return c.stopped || !c.settings.enabled || c.configError !== null;
}

function newSettings(e: SomeEvent): LinkSettings | null {
  return e.type === 'CONFIG_CHANGED' ? (e as unknown as { settings: LinkSettings }).settings : null;
}

export const shouldBeDisabled = (c: LinkContext): boolean => isOff(c);
export const shouldBeUnclaimed = (c: LinkContext): boolean => !isOff(c) && c.settings.claimId === null;
export const shouldConnect = (c: LinkContext): boolean => !isOff(c) && c.settings.claimId !== null;
export const reconnectRequested = (c: LinkContext): boolean => c.reconnectRequested;

/** The cloud forbids an attempt now: banned, or blocked until a time still ahead. */
function mustWait(c: LinkContext, e: SomeEvent): boolean {
  const at = typeof e.at === 'number' ? e.at : c.now;
  return c.banned || (c.blockUntil !== null && c.blockUntil > at);
}

/**
 * The link should connect but the cloud forbids it now: leaving `disabled` or `unclaimed` goes to
 * `backoff`, which waits out the ban or the block (a disable/enable or a fixed configuration used to
 * let an attempt through at once).
 */
export const connectMustWait = (c: LinkContext, e: SomeEvent): boolean => shouldConnect(c) && mustWait(c, e);

/** A reconnect asked during a graceful disconnect, while the cloud forbids an attempt (a DisconnectReq's block or ban). */
export const reconnectMustWait = (c: LinkContext, e: SomeEvent): boolean => c.reconnectRequested && mustWait(c, e);
export const isBanned = (c: LinkContext): boolean => c.banned;
/** The host has registered nodes (a new session owes the cloud their node-instance messages). */
export const hasNodes = (c: LinkContext): boolean => c.nodes.length > 0;
export const pubacksReachReset = (c: LinkContext): boolean => c.pubacks + 1 >= c.settings.timings.resetAfterPubacks;

/** A CONFIG_CHANGED that disables the cloud. */
export const configTurnsOff = (c: LinkContext, e: SomeEvent): boolean => {
  const s = newSettings(e);
  return s !== null && (!s.enabled || c.stopped);
};

/** A CONFIG_CHANGED that leaves the node without a claim. */
export const configUnclaims = (_c: LinkContext, e: SomeEvent): boolean => newSettings(e)?.claimId === null;

/** A CONFIG_CHANGED that changes how (or as whom) the link connects. */
export const connectionChanged = (c: LinkContext, e: SomeEvent): boolean => {
  const s = newSettings(e);
  return s !== null && (s.connectionKey !== c.settings.connectionKey || s.cloudUrl !== c.settings.cloudUrl || s.claimId !== c.settings.claimId);
};

/**
 * In backoff, new connection settings are tried at once unless the cloud banned or blocked us; a new
 * claim id is always tried at once (it lifts the ban and the block, as CLAIMED does).
 */
export const retryNowOnConfig = (c: LinkContext, e: SomeEvent): boolean => {
  const at = typeof e.at === 'number' ? e.at : c.now;
  const s = newSettings(e);
  if (s !== null && s.claimId !== null && s.claimId !== c.settings.claimId) return true;
  return connectionChanged(c, e) && !c.banned && !(c.blockUntil !== null && c.blockUntil > at);
};
