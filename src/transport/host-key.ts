/**
 * Host key verification for one hop: which algorithms to ask for, the verdict
 * on the presented key, and the operator-facing messages. Pure apart from the
 * KnownHosts.add() that --accept-new-host-keys performs.
 */
import { fingerprintSha256, keyTypeOf } from './fingerprint.ts';
import { knownHostsName } from './host-pattern.ts';
import type { KnownHosts } from './known-hosts.ts';
import { ConnectionError } from './types.ts';

/** ssh2's host key algorithms for each known_hosts key type, strongest first. */
const ALGORITHMS: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
  'ssh-dss': ['ssh-dss'],
};

/**
 * The algorithms to offer for a host already in known_hosts: only its known
 * key types, so the server shows a key we can check. Undefined (ssh2's
 * defaults) when none of its known types is one ssh2 speaks.
 */
export function hostKeyAlgorithms(knownTypes: readonly string[]): string[] | undefined {
  const list = knownTypes.flatMap((t) => ALGORITHMS[t] ?? []);
  return list.length > 0 ? [...new Set(list)] : undefined;
}

export interface HostKeyCheck {
  knownHosts: KnownHosts;
  /** Address and port as connected to (the known_hosts name is derived from them). */
  address: string;
  port: number;
  /** How messages name the hop, e.g. `kvm01 at [10.0.0.11]:2222`. */
  label: string;
  /** ConnectionError.host: the inventory host the connection is for. */
  inventoryHost: string;
  acceptNew: boolean;
}

/**
 * Checks a presented key. Returns null when it is accepted (adding it first
 * if it is unknown and acceptNew is set), else the error to fail with.
 */
export function verifyHostKey(check: HostKeyCheck, keyBlob: Buffer): ConnectionError | null {
  const { knownHosts, address, port, label, inventoryHost } = check;
  const keyType = keyTypeOf(keyBlob) ?? 'unknown-key-type';
  const shown = `${keyType} ${fingerprintSha256(keyBlob)}`;
  const verdict = knownHosts.verdict(address, port, keyType, keyBlob);
  if (verdict.status === 'match') return null;
  if (verdict.status === 'unknown') {
    if (check.acceptNew) {
      try {
        knownHosts.add(address, port, keyType, keyBlob);
      } catch (error) {
        return new ConnectionError('other', inventoryHost, `cannot add the host key of ${label} (${shown}) to known_hosts ${knownHosts.path}: ${(error as Error).message}`);
      }
      return null;
    }
    return new ConnectionError(
      'host-key-unknown',
      inventoryHost,
      `host key for ${label} (${shown}) is not in known_hosts ${knownHosts.path} (use --accept-new-host-keys to add it)`,
    );
  }
  const name = knownHostsName(address, port);
  const where = verdict.entries.map((e) => `${knownHosts.path}:${e.line}`).join(', ');
  if (verdict.reason === 'revoked') {
    return new ConnectionError(
      'host-key-changed',
      inventoryHost,
      `host key for ${label} (${shown}) is marked @revoked in ${where}: refused`,
    );
  }
  const known = verdict.entries.map((e) => `${e.keyType} ${fingerprintSha256(e.key)}`).join(', ');
  return new ConnectionError(
    'host-key-changed',
    inventoryHost,
    `host key for ${label} has CHANGED: it presents ${shown} but known_hosts has ${known} (${where}); refused, ` +
      `someone may be intercepting the connection (if the host was reinstalled, check the new key and remove the old one: ssh-keygen -R '${name}' -f ${knownHosts.path})`,
  );
}
