/**
 * A scratch "host" whose whole /etc is private: a network namespace plus a
 * mount namespace with an overlay over /etc (upper layer on a tmpfs), so the
 * netplan and NetworkManager files (and /etc/netplan itself, which this
 * machine lacks) land there and nowhere else. Like netns-host.ts, held open by
 * a sleeping process and entered with nsenter; names carry the test's prefix.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Change, ModuleDefinition, RunContext } from '../../src/modules/contract.ts';
import { quote } from '../../src/shell/quote.ts';
import type { Run } from './netns-host.ts';

export class EtcOverlayHost {
  readonly ns: string;
  private holder: ChildProcess | undefined;
  private pid = 0;
  /** Extra environment for every command (e.g. PATH with a netplan wrapper). */
  env: Record<string, string> = {};

  constructor(prefix: string) {
    this.ns = `${prefix}-${process.pid}`.slice(0, 40);
  }

  async start(): Promise<void> {
    const add = spawnSync('ip', ['netns', 'add', this.ns], { encoding: 'utf8' });
    if (add.status !== 0) throw new Error(`ip netns add ${this.ns}: ${add.stderr}`);
    const t = `/tmp/.${this.ns}`;
    const setup = [
      `mkdir -p ${t} && mount -t tmpfs ${this.ns} ${t} && mkdir ${t}/u ${t}/w`,
      `mount -t overlay ${this.ns} -o lowerdir=/etc,upperdir=${t}/u,workdir=${t}/w /etc`,
      'echo ready && exec sleep 3600',
    ].join(' && ');
    this.holder = spawn('ip', ['netns', 'exec', this.ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', setup], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      this.holder?.stdout?.once('data', () => resolve());
      this.holder?.once('exit', (code) => reject(new Error(`namespace holder exited (${code})`)));
    });
    const pid = spawnSync('sh', ['-c', `pgrep -P ${this.holder.pid} || echo ${this.holder.pid}`], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
    this.pid = Number(pid);
    this.must('ip link set lo up');
  }

  sh(script: string): Run {
    const r = spawnSync('nsenter', ['-t', String(this.pid), '-n', '-m', 'sh', '-c', script], { encoding: 'utf8', env: { ...process.env, ...this.env } });
    return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? 255 };
  }

  must(script: string): string {
    const r = this.sh(script);
    if (r.exitCode !== 0) throw new Error(`${script}\n→ exit ${r.exitCode}: ${r.stderr}`);
    return r.stdout;
  }

  async close(): Promise<void> {
    if (this.holder && this.holder.exitCode === null) {
      const exited = new Promise((resolve) => this.holder?.once('exit', resolve));
      if (this.pid) spawnSync('kill', [String(this.pid)]);
      this.holder.kill();
      await exited;
    }
    spawnSync('ip', ['netns', 'del', this.ns]);
    // The tmpfs lived in the dead mount namespace; only the empty mount point is left here.
    spawnSync('rmdir', [`/tmp/.${this.ns}`]);
  }
}

/** One task the way the engine runs it: probe, parse, diff, and (unless dryRun) the commands as `( set -e; eval 'TEXT' )`. */
export function runOn(host: EtcOverlayHost, module: ModuleDefinition, rawParams: unknown, ctx: RunContext, dryRun = false): { changes: Change[]; apply: Run | null } {
  const params: unknown = module.schema.parse(rawParams);
  const state: unknown = module.parse(host.sh(module.probe(params, ctx)), params, ctx);
  const changes = module.diff(params, state, ctx);
  if (dryRun || changes.length === 0) return { changes, apply: null };
  const apply = host.sh(`( set -e; eval ${quote(module.commands(changes, params, ctx))} ) </dev/null`);
  return { changes, apply };
}
