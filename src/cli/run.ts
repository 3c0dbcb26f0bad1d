/**
 * The shared pieces of the commands that run against hosts (check, plan,
 * apply): compile → secrets → engine → report. A module of its own, loaded by
 * those commands' actions, so that the other commands (and --version, --help)
 * start without the engine, the modules and the report code.
 */
import { runPlan } from '../engine/index.ts';
import type { EngineOptions, RunMode, RunOutcome } from '../engine/types.ts';
import { findModule } from '../modules/registry.ts';
import type { CompiledPlan } from '../plan/types.ts';
import { toJsonReport } from '../report/json.ts';
import type { Progress } from '../report/progress.ts';
import { renderChanges, renderRecap } from '../report/text.ts';
import { SecretStore } from '../secrets/index.ts';
import type { ConnectOptions, Connector, HostConnection } from '../transport/types.ts';
import type { ConnectionSettings } from '../plan/types.ts';
import { splitList, type PlaybookOptions, type RunOptions } from './options.ts';

export { exitCodeOf } from '../engine/index.ts';

export interface OutputOptions {
  json?: boolean;
  verbose?: boolean;
}

export type RunCommandOptions = PlaybookOptions & RunOptions & OutputOptions;

export interface PreparedRun {
  plan: CompiledPlan;
  secrets: SecretStore;
  hostVars: Record<string, Record<string, unknown>>;
}

/** Secrets from --secrets FILE and ZONECTL_SECRET_* (and compile's inline literals). */
export function loadSecrets(file: string | undefined, inline: ReadonlyMap<string, string> = new Map()): SecretStore {
  const secrets = new SecretStore();
  if (file) secrets.loadFile(file);
  for (const [name, value] of inline) secrets.set(name, value);
  return secrets;
}

/** Compiles the playbooks (invalid input throws a UserError: nothing connects). */
export async function prepareRun(playbooks: string[], opts: RunCommandOptions): Promise<PreparedRun> {
  // Loaded on use: other commands (lab, inventory) start without the compiler.
  const { compilePlan, parseExtraVars } = await import('../compile/index.ts');
  const cwd = process.cwd();
  const compiled = compilePlan({
    inventory: opts.inventory,
    playbooks,
    ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
    tags: splitList(opts.tags),
    skipTags: splitList(opts.skipTags),
    extraVars: parseExtraVars(opts.extraVars, cwd),
    rolesPath: opts.rolesPath,
    cwd,
  });
  for (const warning of compiled.warnings) process.stderr.write(`warning: ${warning.format()}\n`);
  const secrets = loadSecrets(opts.secrets, compiled.inlineSecrets);
  const hostVars: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(compiled.plan.hosts)) hostVars[name] = compiled.inventory.hosts.get(name)?.vars ?? {};
  return { plan: compiled.plan, secrets, hostVars };
}

/** The ssh2 transport, loaded on first use so that commands which never connect start without it. */
class SshOnDemand implements Connector {
  private inner: Promise<Connector> | undefined;
  constructor(private readonly defaults: ConnectOptions) {}
  async connect(host: string, settings: ConnectionSettings, options?: ConnectOptions): Promise<HostConnection> {
    this.inner ??= import('../transport/ssh.ts').then((m) => new m.SshConnector(this.defaults));
    return (await this.inner).connect(host, settings, options);
  }
}

/** Engine options from the command line; the connector is injectable for tests. */
export function engineOptions(mode: RunMode, opts: RunOptions, run: PreparedRun, connector?: Connector): EngineOptions {
  const connectOptions = {
    connectTimeoutMs: opts.connectTimeout * 1000,
    commandTimeoutMs: opts.commandTimeout * 1000,
    acceptNewHostKeys: opts.acceptNewHostKeys === true,
  };
  return {
    mode,
    connector: connector ?? new SshOnDemand(connectOptions),
    connectOptions,
    commandTimeoutMs: opts.commandTimeout * 1000,
    findModule,
    secrets: run.secrets,
    forks: opts.forks,
    allowManagementChange: opts.allowManagementChange === true,
    hostVars: (h) => run.hostVars[h] ?? {},
  };
}

/** Runs with progress on a terminal, then prints the report (text or one JSON document). */
export async function executeRun(plan: CompiledPlan, engine: EngineOptions, command: string, output: OutputOptions): Promise<RunOutcome> {
  const live = !output.json && process.stdout.isTTY === true && process.stderr.isTTY === true;
  // listr2 is loaded only when it draws: --json and CI logs never pay for it
  const progress: Progress = live
    ? (await import('../report/progress.ts')).terminalProgress(Object.keys(plan.hosts), engine.mode)
    : { onProgress() {}, finish: async () => {} };
  // First Ctrl-C: finish the round trips under way, start nothing new, report. Second: quit now.
  const interrupt = new AbortController();
  const onInterrupt = (): void => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
    process.stderr.write('\ninterrupted: letting the round trips under way finish, starting nothing new (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onInterrupt);
  let result: RunOutcome;
  try {
    result = await runPlan(plan, { ...engine, signal: interrupt.signal, onProgress: (e) => progress.onProgress(e) });
  } finally {
    process.off('SIGINT', onInterrupt);
    await progress.finish();
  }
  if (output.json) process.stdout.write(`${JSON.stringify(toJsonReport(result, command), null, 2)}\n`);
  else process.stdout.write(renderChanges(result, { verbose: output.verbose === true }) + renderRecap(result));
  return result;
}
