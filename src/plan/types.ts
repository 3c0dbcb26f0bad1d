/**
 * The compiled plan: pure, offline, JSON-serialisable, deterministic.
 * `zonectl compile --json` prints exactly this shape.
 */

export const PLAN_FORMAT_VERSION = 1;

/** How the controller reaches a host. No secrets: keys are paths, never contents. */
export interface ConnectionSettings {
  address: string;
  port: number;
  user: string;
  identity_file: string | null;
  known_hosts: string | null;
  /** Bastions in the order they are crossed, each `user@host:port`. */
  jump: string[];
  become: boolean;
}

export interface CompiledTask {
  /** Stable within the plan: `<play>.<task>` plus `[<loop index>]` for loop items, `h` for handlers. */
  id: string;
  name: string;
  module: string;
  /** Fully resolved parameters (secrets as `@@secret(NAME)@@` placeholders). */
  params: Record<string, unknown>;
  /** Handler names this task notifies when it changes something. */
  notify: string[];
  tags: string[];
  /** `file:line` of the task in the operator's files. */
  source: string;
}

export interface SkippedTask {
  /** The id the task (or loop item) would have had. */
  id: string;
  name: string;
  source: string;
  /** Why: the `when` expression that was false, or the tag filter. */
  reason: string;
}

export interface CompiledPlay {
  /** Position of the play in the playbooks (all hosts share it). */
  index: number;
  name: string;
  /** Ansible's `serial`: a count, a percentage string, or a list of them; null = all at once. */
  serial: number | string | (number | string)[] | null;
  max_fail_percentage: number | null;
  tasks: CompiledTask[];
  handlers: CompiledTask[];
  skipped: SkippedTask[];
}

export interface CompiledHost {
  connection: ConnectionSettings;
  platform: string;
  plays: CompiledPlay[];
}

export interface CompiledPlan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  tool: { name: 'zonectl'; version: string };
  /** sha256 of every input file's path and bytes plus the command-line options that shape the plan. */
  inputHash: string;
  /** Input files, relative to the working directory, in the order they were read. */
  inputs: string[];
  hosts: Record<string, CompiledHost>;
  /** Warnings found while compiling (e.g. a play whose hosts match nothing), formatted `file:line:col: …`. */
  warnings: string[];
}
