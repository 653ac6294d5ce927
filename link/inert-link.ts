/**
 * The link of a build without the cloud (`disableCloud`, the CLI's `--disable-cloud`): a handle that
 * answers like a link but is fully inert. Its statechart sits in `disabled` on a fixed configuration,
 * its ports refuse everything, host events that could turn it on are ignored, and it never loads a
 * network module (it does not even read the configuration files).
 */
import { LinkError } from '../effects/errors.js';
import type { ChallengeDecryptor, CloudApi, LinkConfig, Transport } from '../effects/ports.js';
import { createLink, type LinkHandle } from './create-link.js';
import type { LinkOptions } from './options.js';
import type { LinkState } from './state.js';

export const CLOUD_DISABLED_BY_BUILD = 'CLOUD_DISABLED_BY_BUILD';
export const CLOUD_DISABLED_TEXT = 'the cloud is disabled (--disable-cloud)';

const refuse = (): never => {
  throw new LinkError(CLOUD_DISABLED_BY_BUILD, CLOUD_DISABLED_TEXT);
};
const refuseAsync = async (): Promise<never> => refuse();

const OFF: LinkConfig = {
  enabled: false, cloudUrl: '', proxy: 'none', insecure: false, claimId: null, backoff: { policy: 'full' }, autoClaim: null,
};
const cloud: CloudApi = { env: refuseAsync, challenge: refuseAsync, password: refuseAsync, closeIdle: () => undefined };
const transport: Transport = { connect: refuse };
const decryptor: ChallengeDecryptor = { decrypt: refuseAsync };

export type InertLinkOptions = Pick<LinkOptions, 'clock' | 'logger' | 'agentVersion' | 'timings' | 'inspect'>;

export function createInertLink(options: InertLinkOptions): LinkHandle {
  const inner = createLink({ ...options, config: OFF, cloud, transport, decryptor });
  const explain = (state: LinkState): LinkState => ({ ...state, available: false, reason: CLOUD_DISABLED_TEXT, reasonCode: CLOUD_DISABLED_BY_BUILD });
  return {
    get actor() {
      return inner.actor;
    },
    start: () => inner.start(),
    stop: () => inner.stop(),
    reload: async () => undefined,
    enable: () => undefined,
    disable: () => undefined,
    claimed: () => undefined,
    publish: () => Promise.reject(new LinkError(CLOUD_DISABLED_BY_BUILD, `${CLOUD_DISABLED_TEXT}: nothing is sent`)),
    onMessage: () => () => undefined,
    // Kept in the state, never sent: the inert link has no way out.
    nodes: inner.nodes,
    getState: () => explain(inner.getState()),
    subscribe: (listener) => inner.subscribe((state) => listener(explain(state))),
  };
}
