/**
 * A private Open vSwitch for tests: its own ovsdb-server and ovs-vswitchd
 * (userspace datapath, the kernel has no OVS module here) in its own network
 * namespace, with every OVS path under a temp dir. Scripts run with
 * OVS_RUNDIR/OVS_DBDIR/… set, which ovs-vsctl and ovs-ofctl honour, so module
 * code runs unchanged (it uses the default paths) and nobody else's Open
 * vSwitch is ever touched.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface OvsSandbox {
  netns: string;
  dir: string;
  env: Record<string, string>;
  /** Runs a POSIX sh script inside the namespace with the sandbox's OVS paths. */
  run(script: string): Promise<RunResult>;
  stop(): void;
}

/** Why real-OVS tests cannot run here, or undefined when they can. */
export function ovsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  for (const tool of ['ovsdb-server', 'ovs-vswitchd', 'ovs-vsctl', 'ovs-ofctl', 'ovsdb-tool', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed (package openvswitch-switch / iproute2)`;
  }
  if (!existsSync('/usr/share/openvswitch/vswitch.ovsschema')) return 'the OVS schema /usr/share/openvswitch/vswitch.ovsschema is missing';
  const probe = `zcovsprobe${process.pid}`;
  const added = spawnSync('ip', ['netns', 'add', probe]);
  if (added.status !== 0) return `cannot create a network namespace: ${added.stderr.toString().trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

function sh(command: string, args: string[], env: Record<string, string> = {}): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

/** Starts a sandbox; `tag` makes the names unique to one test file. */
export function startOvs(tag: string): OvsSandbox {
  const netns = `zcovs-${tag}-${process.pid}`;
  const dir = mkdtempSync(join(tmpdir(), `zcovs-${tag}-`));
  const env = { OVS_RUNDIR: join(dir, 'run'), OVS_DBDIR: join(dir, 'db'), OVS_LOGDIR: join(dir, 'log'), OVS_SYSCONFDIR: join(dir, 'etc') };
  const sandbox: OvsSandbox = {
    netns,
    dir,
    env,
    run: (script) =>
      new Promise((resolve, reject) => {
        const child = spawn('ip', ['netns', 'exec', netns, 'sh', '-s'], { env: { ...process.env, ...env } });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? 255 }));
        child.stdin.end(script);
      }),
    stop: () => {
      for (const daemon of ['ovs-vswitchd', 'ovsdb-server']) {
        const pidFile = join(env.OVS_RUNDIR, `${daemon}.pid`);
        if (!existsSync(pidFile)) continue;
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        try {
          if (pid > 0) process.kill(pid, 'SIGTERM');
        } catch {
          /* already gone */
        }
      }
      spawnSync('ip', ['netns', 'del', netns]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const sub of Object.values(env)) sh('mkdir', ['-p', sub]);
    sh('ip', ['netns', 'add', netns]);
    sh('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
    const db = join(env.OVS_DBDIR, 'conf.db');
    const sock = `unix:${join(env.OVS_RUNDIR, 'db.sock')}`;
    sh('ovsdb-tool', ['create', db, '/usr/share/openvswitch/vswitch.ovsschema']);
    sh('ip', ['netns', 'exec', netns, 'ovsdb-server', `--remote=p${sock}`, '--pidfile', '--log-file', '--detach', db], env);
    sh('ovs-vsctl', ['--no-wait', 'init'], env);
    sh('ip', ['netns', 'exec', netns, 'ovs-vswitchd', '--pidfile', '--log-file', '--detach', sock], env);
  } catch (error) {
    sandbox.stop();
    throw error;
  }
  return sandbox;
}
