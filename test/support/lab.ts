/**
 * Helpers for tests that need real hosts: bring up a uniquely named lab from a
 * topology (text or object) in a temp dir, run commands on its nodes, and take
 * it down again.
 *
 *   const lab = labSuite('ovs bridge on a real host', () => { ... })   // describe() that skips or fails
 *   let state: LabState;
 *   beforeAll(async () => { state = await startLab('ovs', { nodes: { kvm01: { services: ['openvswitch'] } } }); });
 *   afterAll(() => stopLab(state));
 *   const r = await sshRun(state, 'kvm01', 'ovs-vsctl show');
 *
 * Under CI=true a machine that cannot run labs FAILS the suite; elsewhere it
 * is skipped and the suite's title says why.
 */
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, it } from 'vitest';
import { labDown, labUp, sshArgv, type LabState } from '../../src/lab/index.ts';
import { runProcess } from './cli.ts';

export type { LabState };

export function labAvailable(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== 'linux') return { ok: false, why: 'labs need Linux' };
  if (process.getuid?.() !== 0) return { ok: false, why: 'labs need root (network namespaces, mounts)' };
  if (!existsSync('/proc/self/ns/net')) return { ok: false, why: 'this kernel has no network namespaces' };
  if (!/\toverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) return { ok: false, why: 'this kernel has no overlayfs' };
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/ssh', '/usr/bin/ssh-keygen', '/usr/bin/nsenter', '/usr/bin/unshare']) {
    try {
      accessSync(tool, constants.X_OK);
    } catch {
      return { ok: false, why: `${tool} is missing (apt-get install openssh-server openssh-client util-linux)` };
    }
  }
  return { ok: true };
}

/**
 * `describe` for lab tests: runs when a lab can run here; otherwise skips with
 * the reason in the title, except under CI=true where it fails.
 */
export function labSuite(title: string, fn: () => void): void {
  const available = labAvailable();
  if (available.ok) {
    describe(title, fn);
  } else if (process.env.CI === 'true') {
    describe(title, () => {
      it('needs a machine that can run labs', () => {
        throw new Error(`CI=true but labs cannot run here: ${available.why}`);
      });
    });
  } else {
    describe.skip(`${title} (skipped: ${available.why})`, fn);
  }
}

/** A lab name no other test file uses: the prefix (≤ 4 chars, a-z0-9) and 4 random characters. */
export function uniqueLabName(prefix: string): string {
  if (!/^[a-z][a-z0-9]{0,3}$/.test(prefix)) throw new Error(`lab name prefix '${prefix}' must be 1-4 characters a-z0-9, starting with a letter`);
  return `${prefix}${Math.random().toString(36).slice(2, 6).padEnd(4, '0')}`;
}

const topologyDirs = new Map<string, string>();

/**
 * Brings up a lab named `uniqueLabName(prefix)` from a topology given as YAML
 * text or as an object (without `name`: it is set here), written to a temp dir.
 */
export async function startLab(prefix: string, topology: string | Record<string, unknown>, options: { log?: (line: string) => void } = {}): Promise<LabState> {
  const name = uniqueLabName(prefix);
  const object = typeof topology === 'string' ? (yaml.load(topology) as Record<string, unknown>) : topology;
  const dir = mkdtempSync(join(tmpdir(), `zonectl-lab-${name}-`));
  const file = join(dir, 'topology.yml');
  writeFileSync(file, yaml.dump({ ...object, name }));
  topologyDirs.set(name, dir);
  try {
    return await labUp(file, options);
  } catch (error) {
    await stopLab(name);
    throw error;
  }
}

/**
 * Takes the lab down (everything it made) and removes its temp topology dir,
 * then the test's own scratch dir when given, even when taking the lab down
 * failed. Safe to call twice.
 */
export async function stopLab(lab: LabState | string | undefined, scratchDir?: string): Promise<void> {
  try {
    if (lab === undefined) return;
    const name = typeof lab === 'string' ? lab : lab.name;
    await labDown(name);
    const dir = topologyDirs.get(name);
    if (dir) rmSync(dir, { recursive: true, force: true });
    topologyDirs.delete(name);
  } finally {
    if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  }
}

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs a shell command on a node through OpenSSH with the lab's key and strict host key checking. */
export function sshRun(lab: LabState, node: string, command: string): Promise<CommandResult> {
  const target = lab.nodes.find((n) => n.name === node);
  if (!target) throw new Error(`lab ${lab.name} has no node ${node}`);
  const argv = sshArgv({ lab: lab.name, node, address: target.address }, [command]);
  return runProcess(argv[0] as string, argv.slice(1));
}

/** Like sshRun, but a non-zero exit throws with the node, command and stderr; gives stdout. */
export async function sshOk(lab: LabState | undefined, node: string, command: string): Promise<string> {
  if (!lab) throw new Error('no lab');
  const r = await sshRun(lab, node, command);
  if (r.code !== 0) throw new Error(`${node}: ${command} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}
