/**
 * Test doubles for the engine: a connector that runs scripts with the local
 * `sh -s` (one "exec request" per runScript, like the SSH transport), and
 * test modules defined with the real contract. Hosts are told apart by a
 * `root` variable: every path a test module touches lives under it.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { defineModule, TaskError, type ModuleDefinition } from '../../../src/modules/contract.ts';
import type { CompiledPlan, CompiledPlay, CompiledTask } from '../../../src/plan/types.ts';
import { quote } from '../../../src/shell/quote.ts';
import { ConnectionError, type Connector, type ExecResult, type HostConnection } from '../../../src/transport/types.ts';

export class TestConnector implements Connector {
  /** Hosts that refuse connections. */
  readonly down = new Set<string>();
  /** Every script sent, by host. */
  readonly scripts = new Map<string, string[]>();
  readonly connects = new Map<string, number>();
  /** Wraps every script run (to count scripts in flight, or act while one is out). */
  around: (run: () => Promise<ExecResult>) => Promise<ExecResult> = (run) => run();

  async connect(host: string): Promise<HostConnection> {
    this.connects.set(host, (this.connects.get(host) ?? 0) + 1);
    await Promise.resolve(); // a real connect is asynchronous: so is this one
    if (this.down.has(host)) throw new ConnectionError('refused', host, `connection refused by ${host}:22 (is sshd running?)`);
    const sent: string[] = [];
    this.scripts.set(host, sent);
    let count = 0;
    return {
      get execCount() {
        return count;
      },
      runScript: (script: string): Promise<ExecResult> => {
        count += 1;
        sent.push(script);
        return this.around(() => runSh(script));
      },
      async close() {},
    };
  }
}

export function runSh(script: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code ?? 255 });
    });
    child.stdin.end(script);
  });
}

function rootOf(vars: Readonly<Record<string, unknown>>): string {
  const root = vars.root;
  if (typeof root !== 'string') throw new TaskError('test host has no root variable');
  return root;
}

/** A tiny file module: content of `root/name`. */
export const testFile = defineModule<{ name: string; content: string }, { exists: boolean; content: string }>({
  name: 'test_file',
  doc: { summary: 'test file', params: {} },
  schema: z.object({ name: z.string(), content: z.string() }),
  probe: (p, ctx) => {
    const path = `${rootOf(ctx.vars)}/${p.name}`;
    return `if [ -f ${quote(path)} ]; then echo present; cat ${quote(path)}; else echo absent; fi`;
  },
  parse: (out) => {
    if (out.exitCode !== 0) throw new TaskError(`probe failed: ${out.stderr.trim()}`);
    const nl = out.stdout.indexOf('\n');
    return { exists: out.stdout.slice(0, nl) === 'present', content: out.stdout.slice(nl + 1) };
  },
  diff: (p, actual) => {
    if (actual.exists && actual.content === p.content) return [];
    if (!actual.exists) return [{ summary: `create ${p.name}`, diff: `+${p.content}` }];
    return [{ summary: `${p.name}: content changes`, diff: `-${actual.content}\n+${p.content}` }];
  },
  commands: (_c, p, ctx) => {
    const path = `${rootOf(ctx.vars)}/${p.name}`;
    return `printf %s ${quote(p.content)} > ${quote(`${path}.tmp`)}\nmv -f ${quote(`${path}.tmp`)} ${quote(path)}`;
  },
});

/** An action (like a service restart): appends its name to root/actions.log; always "changes". */
export const testAction = defineModule<{ label: string; fail?: boolean }, null>({
  name: 'test_action',
  doc: { summary: 'test action', params: {} },
  schema: z.object({ label: z.string(), fail: z.boolean().optional() }),
  probe: () => 'true',
  parse: () => null,
  diff: (p) => [{ summary: `run ${p.label}`, action: true }],
  commands: (_c, p, ctx) =>
    `echo ${quote(p.label)} >> ${quote(`${rootOf(ctx.vars)}/actions.log`)}${p.fail ? `\necho ${quote(`${p.label} broke`)} >&2\nfalse\necho after-false >> ${quote(`${rootOf(ctx.vars)}/actions.log`)}` : ''}`,
});

/** An action that runs the shell text it is given (for tests that need a step to wait). */
export const testShell = defineModule<{ script: string }, null>({
  name: 'test_shell',
  doc: { summary: 'runs a script', params: {} },
  schema: z.object({ script: z.string() }),
  probe: () => 'true',
  parse: () => null,
  diff: () => [{ summary: 'run script', action: true }],
  commands: (_c, p) => p.script,
});

/** A module whose commands never converge (for verify). */
export const testStubborn = defineModule<{ name: string }, string>({
  name: 'test_stubborn',
  doc: { summary: 'never converges', params: {} },
  schema: z.object({ name: z.string() }),
  probe: () => 'echo old',
  parse: (o) => o.stdout.trim(),
  diff: (p, actual) => (actual === 'new' ? [] : [{ summary: `${p.name}: ${actual} → new` }]),
  commands: () => 'true',
});

/** A module whose parse refuses the state (like a sysctl key the kernel lacks). */
export const testMissing = defineModule<{ key: string }, never>({
  name: 'test_missing',
  doc: { summary: 'missing key', params: {} },
  schema: z.object({ key: z.string() }),
  probe: (p) => `cat /proc/sys/${p.key.replace(/\./g, '/')}`,
  parse: (o, p) => {
    throw new TaskError(`sysctl ${p.key} does not exist on this host\n(${o.stderr.trim()})`);
  },
  diff: () => [],
  commands: () => 'true',
});

export const testModules: ModuleDefinition[] = [testFile, testAction, testShell, testStubborn, testMissing];
export const findTestModule = (name: string): ModuleDefinition | undefined => testModules.find((m) => m.name === name);

let counter = 0;
export function task(module: string, params: Record<string, unknown>, extra: Partial<CompiledTask> = {}): CompiledTask {
  counter += 1;
  return { id: `0.${counter}`, name: `${module} ${counter}`, module, params, notify: [], tags: [], source: `site.yml:${counter}`, ...extra };
}

export function play(tasks: CompiledTask[], extra: Partial<CompiledPlay> = {}): CompiledPlay {
  return { index: 0, name: 'test play', serial: null, max_fail_percentage: null, tasks, handlers: [], skipped: [], ...extra };
}

export function planFor(hosts: Record<string, CompiledPlay[]>): CompiledPlan {
  return {
    formatVersion: 1,
    tool: { name: 'zonectl', version: '0.0.0-test' },
    inputHash: 'sha256:test',
    inputs: ['site.yml'],
    warnings: [],
    hosts: Object.fromEntries(
      Object.entries(hosts).map(([name, plays]) => [
        name,
        {
          connection: { address: '127.0.0.1', port: 22, user: 'root', identity_file: null, known_hosts: null, jump: [], become: false },
          platform: 'linux',
          plays,
        },
      ]),
    ),
  };
}
