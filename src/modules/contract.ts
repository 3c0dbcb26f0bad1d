/**
 * The module contract: a module is data in, data out.
 *
 * compile:  params (templated YAML) → schema → prepare() → resolved params (JSON, in the plan)
 * probe:    probe(params) → read-only POSIX sh text; the engine runs every task's
 *           probe of a host in ONE remote script and frames each one's output
 * parse:    parse(output) → typed actual state (pure; throws TaskError on a state
 *           the module cannot work with, e.g. a sysctl key the kernel lacks)
 * diff:     diff(desired, actual) → Change[] (pure; empty means in sync)
 * commands: commands(changes) → POSIX sh text run in the host's apply script;
 *           a non-zero exit fails the task and stops the host
 *
 * Only the engine talks to the network. Probe text may carry data to the host
 * (a desired file to validate against) as long as every value goes through
 * `quote()`. Modules for devices whose command line is not a POSIX shell set
 * `platforms` and are driven by that platform's driver.
 */
import type { z } from 'zod';

export interface ModuleDoc {
  /** One line: what the module manages. */
  summary: string;
  /** Longer notes: idempotence, what is left alone, caveats. */
  description?: string;
  /** Parameter name → what it means and what is allowed. */
  params: Record<string, string>;
  /** A YAML task or two showing typical use. */
  examples?: string;
}

/** What a module sees while the plan is compiled (pure: no network, no clock). */
export interface PrepareContext {
  /** inventory_hostname of the host being compiled. */
  host: string;
  /** Every variable visible to the task (after precedence). */
  vars: Readonly<Record<string, unknown>>;
  /** Merged variables of every inventory host, by name. */
  hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Group name → host names. */
  groups: Readonly<Record<string, readonly string[]>>;
  /**
   * Reads a file named by `src:` — from the role's `files/` or `templates/`,
   * then beside the playbook. Throws a located UserError when it is missing.
   */
  readFile(kind: 'files' | 'templates', path: string): string;
  /** Renders handlebars text with the task's variables (secrets stay placeholders). */
  render(template: string, name: string): string;
  /** Throws a UserError located at the task's parameter `path` (or the task when omitted). */
  fail(message: string, path?: readonly (string | number)[], hint?: string): never;
}

/** What a module sees on the controller while a host is probed, diffed and changed. */
export interface RunContext {
  host: string;
  platform: string;
  /** The address the controller connects through (never cut it off). */
  managementAddress: string;
  /** Operator passed --allow-management-change. */
  allowManagementChange: boolean;
  /** The host's inventory variables (connection settings resolved, secrets as placeholders). */
  vars: Readonly<Record<string, unknown>>;
}

/** See ModuleDefinition.probeTogether. */
export interface ProbeTogether {
  shared: string;
  items: (string | null)[];
}

/** What one probe returned: its own stdout, stderr and exit status. */
export interface ProbeOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** One difference between desired and actual state, and what fixing it means. */
export interface Change {
  /** One short line for the operator, e.g. `net.ipv4.ip_forward: 0 → 1`. */
  summary: string;
  /** A unified diff when a file's content changes. */
  diff?: string;
  /**
   * An action that runs because it was asked for (a command, a restart), not a
   * state that converges: verify does not expect it to disappear.
   */
  action?: boolean;
  /** Module-private detail for commands(); must be JSON-serialisable (it goes in plan files). */
  data?: unknown;
}

/**
 * A failure that belongs to one task on one host (a missing sysctl key, a
 * config the device rejects): reported against the task, never with a stack.
 */
export class TaskError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskError';
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface ModuleDefinition<P = any, S = any> {
  name: string;
  doc: ModuleDoc;
  /** Validates and normalises templated params; its messages name what is allowed. */
  schema: z.ZodType<P, z.ZodTypeDef, unknown>;
  /**
   * Parameter paths that are secret by nature (e.g. `password`,
   * `bgp.neighbors.*.password`): literal values are turned into secrets.
   */
  secretParams?: readonly string[];
  /** Platforms the module can drive; default `['linux']`. */
  platforms?: readonly string[];
  /** Compile-time resolution (render templates, read `src`, resolve peers). Pure. */
  prepare?(params: P, ctx: PrepareContext): P;
  /** Read-only shell text whose output reveals the current state. */
  probe(params: P, ctx: RunContext): string;
  /**
   * Optional: the probes of several tasks of this module on one host, for
   * fewer processes there (one `stat` for twenty files instead of twenty).
   * `shared` runs once, before the items, and leaves what it read in `zc_*`
   * shell variables; what it prints is given to every item after the item's
   * own output (printed once, parsed by each). `items[i]`'s output followed
   * by that is what `probe(list[i])` would print (parse is the same). Items
   * run in the script's own shell, not a subshell: they must not exit, cd or
   * read stdin. A null item is probed on its own with probe().
   */
  probeTogether?(list: readonly P[], ctx: RunContext): ProbeTogether;
  /** Turns the probe's output into typed state. */
  parse(output: ProbeOutput, params: P, ctx: RunContext): S;
  /** Desired vs actual → changes; empty when in sync. */
  diff(desired: P, actual: S, ctx: RunContext): Change[];
  /** Shell text that makes the changes; runs in task order in the host's apply script. */
  commands(changes: readonly Change[], desired: P, ctx: RunContext): string;
}

/** Identity helper that keeps a module's param and state types inferred. */
export function defineModule<P, S>(definition: ModuleDefinition<P, S>): ModuleDefinition<P, S> {
  return definition;
}
