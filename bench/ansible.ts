/**
 * The same desired state through Ansible (bench/ansible/): availability,
 * an optional install of Debian's `ansible` package, one measured run, and
 * the count of SSH sessions per host.
 *
 * Counting: ansible-playbook runs OpenSSH's `ssh` (and `sftp`/`scp` for file
 * transfers) found on PATH. The benchmark puts wrappers first on PATH that log
 * each invocation's arguments and exec the real binary. With ControlPersist
 * every invocation is one session on the host's shared connection: one exec
 * request for `ssh HOST CMD`, one subsystem request for `sftp`. The master
 * connection's own setup is not counted (zonectl's connection setup is not
 * counted either).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure, type Measured } from './measure.ts';
import { ANSIBLE_CONFIG, ANSIBLE_PLAYBOOK } from './workload.ts';

export interface AnsibleAvailability {
  ok: boolean;
  version?: string;
  /** Why it cannot run, when it cannot. */
  reason?: string;
}

export function ansibleAvailable(): AnsibleAvailability {
  const version = spawnSync('ansible-playbook', ['--version'], { encoding: 'utf8' });
  if (version.status !== 0) return { ok: false, reason: 'ansible-playbook is not installed (run with --with-ansible, or: apt-get install -y ansible)' };
  const first = version.stdout.split('\n')[0] ?? '';
  // ansible.posix.sysctl is not in ansible-core; Debian's `ansible` package brings the collection.
  const doc = spawnSync('ansible-doc', ['-t', 'module', 'ansible.posix.sysctl'], { encoding: 'utf8', env: { ...process.env, PAGER: 'cat' } });
  if (doc.status !== 0) return { ok: false, version: first, reason: `${first} has no ansible.posix collection (ansible.posix.sysctl): install Debian's ansible package (--with-ansible)` };
  return { ok: true, version: first };
}

export function installAnsible(log: (line: string) => void): void {
  log('installing Debian package ansible (--with-ansible)…');
  execFileSync('apt-get', ['install', '-y', '-q', 'ansible'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Wrappers for ssh, sftp and scp in `dir` that log to `dir/sessions.log`. */
export function installSshCounters(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const log = join(dir, 'sessions.log');
  for (const tool of ['ssh', 'sftp', 'scp']) {
    const real = `/usr/bin/${tool}`;
    // One line per invocation: the tool, then each argument after a unit separator (newlines folded),
    // written with one printf so parallel invocations do not interleave.
    writeFileSync(
      join(dir, tool),
      `#!/bin/sh\nline=${tool}\nfor a in "$@"; do line="$line$(printf '\\037%s' "$a" | tr '\\n' ' ')"; done\nprintf '%s\\n' "$line" >> ${log}\nexec ${real} "$@"\n`,
    );
    chmodSync(join(dir, tool), 0o755);
  }
  return log;
}

/** Sessions per host address from the wrappers' log (sftp/scp name hosts as `[addr]`). */
export function countSessions(logFile: string, addresses: readonly string[]): Map<string, number> {
  const counts = new Map(addresses.map((a) => [a, 0]));
  if (!existsSync(logFile)) return counts;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line) continue;
    const args = line.split('\x1f').slice(1);
    const host = args.map((a) => a.replace(/^\[(.*)\]$/, '$1')).find((a) => counts.has(a));
    if (host) counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

export interface AnsibleRecap {
  changed: number;
  failed: number;
  unreachable: number;
}

/** PLAY RECAP lines: `n01 : ok=40 changed=40 unreachable=0 failed=0 …`. */
export function parseRecap(stdout: string): Map<string, AnsibleRecap> {
  const hosts = new Map<string, AnsibleRecap>();
  for (const m of stdout.matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    hosts.set(m[1] as string, { changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) });
  }
  return hosts;
}

export async function runAnsible(inventory: string, forks: number, check: boolean, workDir: string, counterDir: string): Promise<Measured> {
  // A fresh ControlPath directory per run: no run reuses an earlier run's connections.
  const controlDir = join(workDir, `cp-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(controlDir, { recursive: true });
  const env = {
    ...process.env,
    ANSIBLE_CONFIG,
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_LOCAL_TEMP: join(workDir, 'ansible-tmp'),
    ANSIBLE_NOCOLOR: '1',
    PATH: `${counterDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    SSH_AUTH_SOCK: '',
  };
  const args = ['-i', inventory, '-f', String(forks), ANSIBLE_PLAYBOOK, ...(check ? ['--check'] : [])];
  const result = await measure('ansible-playbook', args, { env });
  closeMasters(controlDir);
  return result;
}

/** Stops the run's ControlPersist masters so they do not serve (or load) the next run. */
function closeMasters(controlDir: string): void {
  try {
    for (const socket of readdirSync(controlDir)) {
      spawnSync('/usr/bin/ssh', ['-o', `ControlPath=${join(controlDir, socket)}`, '-O', 'exit', 'bench-node'], { stdio: 'ignore' });
    }
  } catch {
    // nothing to close
  }
}
