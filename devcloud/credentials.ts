/**
 * Auth state kept in memory: the outstanding challenge of each node (single use) and the MQTT
 * credentials issued by the password step, for the broker to verify.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../effects/ports.js';
import { sameSecret } from './tokens.js';

export { DEFAULT_TOPICS, type TopicSpec } from './password-topics.js';

export interface IssuedCredentials {
  readonly claimId: string;
  readonly clientId: string;
  readonly username: string;
  readonly password: string;
  readonly issuedAt: number;
}

export class ChallengeRegistry {
  private readonly outstanding = new Map<string, { bytes: Buffer; at: number }>();
  constructor(private readonly clock: Clock, private readonly ttlMs = 60_000) {}

  /** Remember the plain challenge of a node; a newer one replaces it. */
  issue(claimId: string, bytes: Buffer): void {
    this.outstanding.set(claimId, { bytes, at: this.clock.now() });
  }

  /** The outstanding challenge of a node, removed (single use), or undefined if none or expired. */
  take(claimId: string): Buffer | undefined {
    const entry = this.outstanding.get(claimId);
    this.outstanding.delete(claimId);
    if (entry === undefined || this.clock.now() - entry.at > this.ttlMs) return undefined;
    return entry.bytes;
  }
}

/** Makes issued credentials usable at an external broker (mosquitto); rejects if it cannot. */
export type CredentialProvisioner = (credentials: IssuedCredentials) => Promise<void>;

export class CredentialRegistry {
  private readonly issued = new Map<string, IssuedCredentials>();
  private provisioner: CredentialProvisioner | null = null;
  constructor(private readonly clock: Clock, readonly ttlMs = 10 * 60_000) {}

  /** Set by an external broker: `issueProvisioned` waits for it before the password step answers. */
  setProvisioner(provisioner: CredentialProvisioner | null): void {
    this.provisioner = provisioner;
  }

  /** `issue`, then the broker's provisioning (if any); the credentials are dropped if that fails. */
  async issueProvisioned(claimId: string): Promise<IssuedCredentials> {
    const credentials = this.issue(claimId);
    try {
      await this.provisioner?.(credentials);
    } catch (error) {
      this.issued.delete(credentials.username);
      throw error;
    }
    return credentials;
  }

  issue(claimId: string): IssuedCredentials {
    const credentials: IssuedCredentials = {
      claimId,
      clientId: claimId,
      username: `agent-${randomBytes(8).toString('hex')}`,
      password: randomBytes(24).toString('base64url'),
      issuedAt: this.clock.now(),
    };
    this.issued.set(credentials.username, credentials);
    return credentials;
  }

  /**
   * Check MQTT CONNECT credentials. Valid ones are consumed (single use) unless `consume` is false.
   * Returns the issued record, or undefined.
   */
  verify(clientId: string, username: string, password: string, options: { consume?: boolean } = {}): IssuedCredentials | undefined {
    const entry = this.issued.get(username);
    if (entry === undefined || entry.clientId !== clientId || !sameSecret(password, entry.password)) return undefined;
    if (this.clock.now() - entry.issuedAt > this.ttlMs) {
      this.issued.delete(username);
      return undefined;
    }
    if (options.consume ?? true) this.issued.delete(username);
    return entry;
  }

  /** Forgets issued credentials (used or expired at an external broker). */
  revoke(username: string): void {
    this.issued.delete(username);
  }

  /** Outstanding credentials without their passwords (for inspection). */
  list(): Omit<IssuedCredentials, 'password'>[] {
    return [...this.issued.values()].map(({ password: _password, ...rest }) => rest);
  }

  clear(): void {
    this.issued.clear();
  }
}
