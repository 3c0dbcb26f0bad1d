/**
 * Turns what ssh2 and the socket report while connecting into one clear
 * ConnectionError per cause, naming the host and what the operator can do.
 */
import { describeAttempts } from './auth.ts';
import { ConnectionError } from './types.ts';

/** One hop of a connection, as messages name it. */
export interface HopLabel {
  /** The inventory host the connection is for (ConnectionError.host). */
  inventoryHost: string;
  /** e.g. `kvm01`, `kvm01 at [10.0.0.11]:2222`, `jump host admin@bastion:22 (to kvm01)`. */
  label: string;
  /** `user@name` for authentication messages. */
  login: string;
  address: string;
}

export interface ConnectFailureContext {
  connectTimeoutMs: number;
  /** Credentials offered to the server so far. */
  tried: readonly string[];
  /** Credentials that could not be offered, with why. */
  skipped: readonly string[];
}

type Ssh2Error = Error & { level?: string; code?: string };

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))}s`;
}

export function connectFailure(error: Ssh2Error, hop: HopLabel, ctx: ConnectFailureContext): ConnectionError {
  const host = hop.inventoryHost;
  const code = error.code;
  if (code === 'ECONNREFUSED') {
    return new ConnectionError('refused', host, `connection refused by ${hop.label} (is sshd running there, and is the port right?)`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || error.level === 'client-dns') {
    return new ConnectionError('dns', host, `cannot resolve ${hop.address} for ${hop.label} (check the address in the inventory, or DNS)`);
  }
  if (error.level === 'client-timeout' || code === 'ETIMEDOUT') {
    return new ConnectionError(
      'timeout',
      host,
      `timed out after ${seconds(ctx.connectTimeoutMs)} connecting to ${hop.label} (is the host up and reachable? raise --connect-timeout if it is just slow)`,
    );
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new ConnectionError('other', host, `no route to ${hop.label} (${code}: check the address and the network path)`);
  }
  if (error.level === 'client-authentication') {
    return new ConnectionError(
      'auth',
      host,
      `authentication failed for ${hop.login} (${describeAttempts(ctx.tried, ctx.skipped)}) (add a key to the agent, set identity_file, or check authorized_keys)`,
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || /before handshake|lost/i.test(error.message)) {
    return new ConnectionError('other', host, `${hop.label} closed the connection during the SSH handshake (${error.message}; check sshd's logs there: MaxStartups, AllowUsers, firewall)`);
  }
  return new ConnectionError('other', host, `cannot connect to ${hop.label}: ${error.message}`);
}
