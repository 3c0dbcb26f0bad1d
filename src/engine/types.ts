/**
 * What a run produces: structured outcomes that reporters (text, JSON, plan
 * files) render. Everything here is already redacted: no secret values.
 */
import type { ConnectOptions, Connector } from '../transport/types.ts';
import type { ModuleDefinition } from '../modules/contract.ts';
import type { SecretStore } from '../secrets/index.ts';

export type RunMode = 'check' | 'apply';

/**
 * ok: in sync (or applied nothing); changed: has changes (pending in check,
 * made in apply); failed: a task failed; unreachable: the connection failed;
 * stale: a saved plan no longer matches the host; skipped: never run because
 * the run stopped first (serial/max_fail_percentage).
 */
export type HostStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'stale' | 'skipped';

/** One change as printed and saved (redacted). */
export interface ReportedChange {
  summary: string;
  diff?: string;
  action?: boolean;
  data?: unknown;
}

export interface TaskOutcome {
  /** Play index in the plan. */
  play: number;
  id: string;
  name: string;
  module: string;
  source: string;
  handler: boolean;
  status: 'ok' | 'changed' | 'failed';
  /** Predicted (check) or made (apply) changes; empty when in sync. */
  changes: ReportedChange[];
  /** Apply only: its commands ran and succeeded. */
  applied: boolean;
  /**
   * Apply only: the task's step found on the host that it had nothing to do
   * after all (a command's guard holds by now), and why; the task is then ok,
   * not changed.
   */
  skipped?: string;
  error?: string;
}

export interface PlayRecord {
  index: number;
  name: string;
  /** sha256 of the redacted probe outputs of this play on this host (undefined when the probe did not run). */
  fingerprint?: string;
  tasks: TaskOutcome[];
}

export interface HostRecap {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
}

export interface HostOutcome {
  host: string;
  status: HostStatus;
  /** One line: why the host failed, was unreachable or stale. */
  error?: string;
  plays: PlayRecord[];
  recap: HostRecap;
  /** SSH exec requests made to the host (the round-trip budget). */
  execCount: number;
}

export interface RunOutcome {
  mode: RunMode;
  hosts: HostOutcome[];
  /** Why the run stopped early (serial batch failures), when it did. */
  aborted?: string;
  elapsedSeconds: number;
}

/** What a saved plan expects of a host's play (for `apply FILE`). */
export interface SavedPlay {
  fingerprint: string;
  /** Task id → the reviewed changes (redacted). */
  changes: Record<string, ReportedChange[]>;
}

/** host → play index → expectations; a host missing here was not probed when the plan was made. */
export type SavedExpectations = ReadonlyMap<string, ReadonlyMap<number, SavedPlay>>;

export type Phase = 'connect' | 'probe' | 'apply' | 'verify' | 'done';

export interface ProgressEvent {
  host: string;
  phase: Phase;
  play?: { index: number; name: string };
  /** With phase `done`: how the host ended (its counts are final only when the run ends). */
  status?: HostStatus;
}

export interface EngineOptions {
  mode: RunMode;
  connector: Connector;
  findModule: (name: string) => ModuleDefinition | undefined;
  secrets: SecretStore;
  /** Hosts worked on in parallel (default 50). */
  forks?: number;
  connectOptions?: ConnectOptions;
  commandTimeoutMs?: number;
  allowManagementChange?: boolean;
  /** The host's inventory variables for RunContext.vars. */
  hostVars?: (host: string) => Readonly<Record<string, unknown>>;
  /** Apply lock file on each host (default /run/zonectl.lock); a function when hosts share a machine (tests). */
  lockFile?: string | ((host: string) => string);
  /** Set for `apply FILE`: hosts whose state differs are refused as stale. */
  saved?: SavedExpectations;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * Ctrl-C: once aborted, no host starts a new play or an apply round trip;
   * round trips under way finish (an apply script is never cut in half by us).
   */
  signal?: AbortSignal;
  /** Injectable for tests; default 128 random bits. */
  newMarker?: () => string;
}
