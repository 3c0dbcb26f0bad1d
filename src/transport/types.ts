/**
 * What the engine needs from a connection to one host. The ssh2 transport
 * implements it; tests may use a local `sh` implementation.
 */
import type { ConnectionSettings } from '../plan/types.ts';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** The remote command's exit status; 255 with a signal name in `signal` when it was killed. */
  exitCode: number;
  signal?: string;
}

export interface ExecOptions {
  /** Fails the exec with a ConnectionError('command-timeout') after this long. */
  timeoutMs?: number;
}

export interface HostConnection {
  /**
   * Runs a POSIX sh script on the host in ONE exec request: the script is sent
   * on stdin to `sh -s` (or `sudo -n sh -s` with become), so its size is not
   * limited by the command line.
   */
  runScript(script: string, options?: ExecOptions): Promise<ExecResult>;
  /** SSH exec requests made on this connection so far (the round-trip budget). */
  readonly execCount: number;
  close(): Promise<void>;
}

export type ConnectionErrorKind =
  | 'refused'
  | 'timeout'
  | 'dns'
  | 'auth'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'dropped'
  | 'command-timeout'
  | 'become'
  | 'other';

/** A host could not be reached or the connection broke: the host is "unreachable". */
export class ConnectionError extends Error {
  readonly kind: ConnectionErrorKind;
  readonly host: string;
  constructor(kind: ConnectionErrorKind, host: string, message: string) {
    super(message);
    this.name = 'ConnectionError';
    this.kind = kind;
    this.host = host;
  }
}

export interface ConnectOptions {
  /** TCP connect + SSH handshake + authentication, per hop (default 15 s). */
  connectTimeoutMs?: number;
  /** SSH keepalive interval (default 15 s); 0 turns keepalives off. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dropped (default 3). */
  keepaliveCountMax?: number;
  /** runScript's timeout when ExecOptions.timeoutMs is not given (default 600 s). */
  commandTimeoutMs?: number;
  /** Add unknown host keys to known_hosts (never overwrites a changed one). */
  acceptNewHostKeys?: boolean;
  /** Default known_hosts file when the host has none (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /** SSH agent socket (default `SSH_AUTH_SOCK`); null: use no agent. */
  agentSocket?: string | null;
  /** Identity files tried when a host names none (default ~/.ssh/id_ed25519, id_ecdsa, id_rsa). */
  identityFiles?: string[];
}

export interface Connector {
  connect(host: string, settings: ConnectionSettings, options?: ConnectOptions): Promise<HostConnection>;
}
