/**
 * Engine benchmark against a real lab (sshd in network namespaces): for N
 * nodes (1, 10, 30) the time of a check with changes, an apply and a
 * no-change check, the SSH exec requests per host of each, and the floor
 * measured in the same run: N ssh2 connections each running one no-op.
 * It reports; it never asserts. Needs root (the lab).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePlan } from '../src/compile/index.ts';
import { runPlan } from '../src/engine/index.ts';
import type { RunMode, RunOutcome } from '../src/engine/types.ts';
import { labDown, labUp, machineProblems } from '../src/lab/index.ts';
import { findModule } from '../src/modules/registry.ts';
import type { CompiledPlan } from '../src/plan/types.ts';
import { SecretStore } from '../src/secrets/index.ts';
import { SshConnector } from '../src/transport/index.ts';

const LAB = 'h5bench';
export const BENCH_SIZES = [1, 10, 30] as const;
const TASKS = 20;

export interface EngineBenchRow {
  nodes: number;
  floorSeconds: number;
  checkChangesSeconds: number;
  applySeconds: number;
  checkCleanSeconds: number;
  /** Exec requests per host: check with changes / apply / no-change check (max over hosts). */
  execs: [number, number, number];
  failedHosts: number;
}

function playbook(): string {
  const lines = ['- name: bench', '  hosts: all', '  tasks:'];
  for (let i = 0; i < TASKS; i++) {
    if (i % 2 === 0) {
      lines.push(`    - name: file ${i}`, '      file:', `        path: /etc/zonectl-bench-f${i}`, `        content: "{{ stamp }} {{ inventory_hostname }} ${i}\\n"`);
    } else {
      lines.push(`    - name: sysctl ${i}`, '      sysctl:', '        name: net.ipv4.conf.all.forwarding', '        value: "{{ forwarding }}"', '        persist: false');
    }
  }
  return `${lines.join('\n')}\n`;
}

function subset(plan: CompiledPlan, hosts: readonly string[]): CompiledPlan {
  return { ...plan, hosts: Object.fromEntries(hosts.map((h) => [h, plan.hosts[h]!])) };
}

async function timed(plan: CompiledPlan, mode: RunMode, connector: SshConnector): Promise<{ seconds: number; result: RunOutcome }> {
  const start = performance.now();
  const result = await runPlan(plan, { mode, connector, findModule, secrets: new SecretStore({}), forks: 50 });
  return { seconds: (performance.now() - start) / 1000, result };
}

function maxExec(result: RunOutcome): number {
  return Math.max(0, ...result.hosts.map((h) => h.execCount));
}

async function floor(plan: CompiledPlan, connector: SshConnector): Promise<number> {
  const start = performance.now();
  await Promise.all(
    Object.entries(plan.hosts).map(async ([name, host]) => {
      const conn = await connector.connect(name, host.connection);
      await conn.runScript('true');
      await conn.close();
    }),
  );
  return (performance.now() - start) / 1000;
}

export async function benchEngine(sizes: readonly number[] = BENCH_SIZES, log: (line: string) => void = () => {}): Promise<EngineBenchRow[]> {
  const problems = machineProblems();
  if (problems.length > 0) throw new Error(`the engine benchmark needs the lab: ${problems.join('; ')}`);
  const largest = Math.max(...sizes);
  const dir = mkdtempSync(join(tmpdir(), 'zc-bench-engine-'));
  const rows: EngineBenchRow[] = [];
  try {
    const nodes = Array.from({ length: largest }, (_, i) => `  n${String(i + 1).padStart(2, '0')}: {kind: hypervisors}`);
    writeFileSync(join(dir, 'lab.yml'), `name: ${LAB}\nnodes:\n${nodes.join('\n')}\n`);
    writeFileSync(join(dir, 'site.yml'), playbook());
    log(`bringing up lab ${LAB} with ${largest} nodes…`);
    const lab = await labUp(join(dir, 'lab.yml'));
    const names = lab.nodes.map((n) => n.name);
    for (const [round, size] of sizes.entries()) {
      // A new stamp and a flipped sysctl each round: the first check always has changes.
      const compile = (forwarding: number) =>
        compilePlan({ cwd: dir, inventory: [lab.inventoryFile], playbooks: ['site.yml'], extraVars: { stamp: `round-${round}-${Date.now()}`, forwarding } }).plan;
      const plan = subset(compile(round % 2 === 0 ? 1 : 0), names.slice(0, size));
      const connector = new SshConnector({ acceptNewHostKeys: false });
      const floorSeconds = await floor(plan, connector);
      const changes = await timed(plan, 'check', connector);
      const apply = await timed(plan, 'apply', connector);
      const clean = await timed(plan, 'check', connector);
      const failed = [changes, apply, clean].reduce(
        (n, r) => Math.max(n, r.result.hosts.filter((h) => h.status === 'failed' || h.status === 'unreachable').length),
        0,
      );
      const firstError = [changes, apply, clean].flatMap((r) => r.result.hosts).find((h) => h.error)?.error;
      if (firstError) log(`  N=${size}: a host failed: ${firstError}`);
      rows.push({
        nodes: size,
        floorSeconds,
        checkChangesSeconds: changes.seconds,
        applySeconds: apply.seconds,
        checkCleanSeconds: clean.seconds,
        execs: [maxExec(changes.result), maxExec(apply.result), maxExec(clean.result)],
        failedHosts: failed,
      });
    }
  } finally {
    await labDown(LAB).catch((e: unknown) => log(`lab down failed: ${(e as Error).message}`));
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export function renderEngineRows(rows: readonly EngineBenchRow[]): string[] {
  const s = (n: number) => `${n.toFixed(2)}s`;
  const out = [`engine (${TASKS} tasks per host)`, '  N   floor    check+chg  apply     check      no-change/floor  exec/host (chg/apply/clean)  failed'];
  for (const r of rows) {
    out.push(
      `  ${String(r.nodes).padEnd(3)} ${s(r.floorSeconds).padEnd(8)} ${s(r.checkChangesSeconds).padEnd(10)} ${s(r.applySeconds).padEnd(9)} ${s(r.checkCleanSeconds).padEnd(10)} ${`${(r.checkCleanSeconds / r.floorSeconds).toFixed(2)}x`.padEnd(16)} ${r.execs.join('/').padEnd(28)} ${r.failedHosts}`,
    );
  }
  return out;
}
