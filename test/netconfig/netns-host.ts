/**
 * A scratch "host" for real-execution tests of the network modules: a network
 * namespace plus a private mount namespace with a tmpfs over /etc/network (so
 * the ifupdown files land there, not on this machine), held open by a
 * sleeping process and entered with nsenter. Every name carries the test
 * file's own prefix so parallel test files never collide; close() removes
 * everything, also after a failure.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { ModuleDefinition, RunContext } from '../../src/modules/contract.ts';
import { quote } from '../../src/shell/quote.ts';

export interface Run {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Why netns tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const tool of ['ip', 'nsenter', 'unshare', 'bridge']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = `zc-h7-probe-${process.pid}`;
  const ok = spawnSync('sh', ['-c', `ip netns add ${probe} && ip netns del ${probe}`]).status === 0;
  return ok ? undefined : 'cannot create network namespaces here';
}

/** Under CI the tests must run: a missing capability fails them instead of skipping. */
export function skipNetns(): boolean {
  const why = netnsUnavailable();
  if (why === undefined) return false;
  if (process.env.CI === 'true') throw new Error(`network namespace tests cannot run under CI: ${why}`);
  console.warn(`skipping network namespace tests: ${why}`);
  return true;
}

export class NetnsHost {
  readonly ns: string;
  private holder: ChildProcess | undefined;
  private pid = 0;

  constructor(prefix: string) {
    this.ns = `${prefix}-${process.pid}`.slice(0, 40);
  }

  /** Extra environment for every command (e.g. PATH with a netplan wrapper). */
  env: Record<string, string> = {};

  async start(interfaces = 'source /etc/network/interfaces.d/*\n'): Promise<void> {
    await this.startWith(`mount -t tmpfs zc-h7 /etc/network && printf '%s' ${quote(interfaces)} > /etc/network/interfaces`);
  }

  /** Creates the namespaces, runs `setup` (mounts) inside the private mount namespace, and holds them open. */
  protected async startWith(setup: string): Promise<void> {
    const add = spawnSync('ip', ['netns', 'add', this.ns], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`ip netns add ${this.ns}: ${add.stderr}`);
    this.holder = spawn('ip', ['netns', 'exec', this.ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', `${setup} && echo ready && exec sleep 3600`], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      this.holder?.stdout?.once('data', () => resolve());
      this.holder?.once('exit', (code) => reject(new Error(`namespace holder exited (${code})`)));
    });
    // The sleeping shell (exec'd) is the holder's descendant that owns the mount namespace.
    const pid = spawnSync('sh', ['-c', `pgrep -P ${this.holder.pid} || echo ${this.holder.pid}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    this.pid = Number(pid);
    this.sh('ip link set lo up');
  }

  /** A process inside the namespaces (for `ip link set … netns PID`). */
  get nsPid(): number {
    return this.pid;
  }

  /** Runs POSIX sh inside the host's network and mount namespaces. */
  sh(script: string): Run {
    const r = spawnSync('nsenter', ['-t', String(this.pid), '-n', '-m', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, ...this.env } });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 255 };
  }

  /** Like sh, but throws on failure (setup steps). */
  must(script: string): string {
    const r = this.sh(script);
    if (r.exitCode !== 0) throw new Error(`${script}\n→ exit ${r.exitCode}: ${r.stderr}`);
    return r.stdout;
  }

  /** Runs an `ip -j …`/`bridge -j …` command and returns its JSON list. */
  json(script: string): Record<string, unknown>[] {
    return JSON.parse(this.must(script)) as Record<string, unknown>[];
  }

  async close(): Promise<void> {
    if (this.holder && this.holder.exitCode === null) {
      const exited = new Promise((resolve) => this.holder?.once('exit', resolve));
      if (this.pid) spawnSync('kill', [String(this.pid)]);
      this.holder.kill();
      await exited;
    }
    spawnSync('ip', ['netns', 'del', this.ns]);
  }
}

export function runContext(over: Partial<RunContext> = {}): RunContext {
  return { host: 'lab', platform: 'linux', managementAddress: '203.0.113.250', allowManagementChange: false, vars: {}, ...over };
}

export interface StepResult {
  changes: ReturnType<ModuleDefinition['diff']>;
  script: string;
  apply: Run | null;
}

/**
 * What the engine does for one task, against the scratch host: probe, parse,
 * diff, and (unless dryRun) run the commands the way the engine does, as
 * `( set -e; eval 'TEXT' )`.
 */
export function runTask(host: NetnsHost, module: ModuleDefinition, rawParams: unknown, ctx: RunContext = runContext(), dryRun = false): StepResult {
  const params: unknown = module.schema.parse(rawParams);
  const probe = host.sh(module.probe(params, ctx));
  const state: unknown = module.parse(probe, params, ctx);
  const changes = module.diff(params, state, ctx);
  const script = module.commands(changes, params, ctx);
  if (dryRun || changes.length === 0) return { changes, script, apply: null };
  const apply = host.sh(`( set -e; eval ${quote(script)} ) </dev/null`);
  return { changes, script, apply };
}
