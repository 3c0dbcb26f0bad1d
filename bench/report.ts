/**
 * The benchmark's results: the machine they came from, and one Markdown table
 * (printed, and written to bench/results/latest.md beside latest.json).
 */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { RUNS, type EngineBenchResult, type RunKey, type RunMeasure } from './engine.ts';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  ansible?: string;
  /** 1-minute load average sampled during the run. */
  load: { start: number; max: number; mean: number; end: number };
}

export interface CompileResult {
  hosts: number;
  tasksPerHost: number;
  seconds: number;
  peakRssMb: number;
}

export interface BenchResults {
  formatVersion: 1;
  date: string;
  commit: string;
  machine: Machine;
  compile?: CompileResult;
  engine?: EngineBenchResult;
  /** Why a part did not run. */
  notRun: string[];
}

/** Samples the load average every few seconds while the benchmark runs. */
export function loadSampler(): { stop(): Machine['load'] } {
  const start = loadavg()[0] ?? 0;
  const samples: number[] = [start];
  const timer = setInterval(() => samples.push(loadavg()[0] ?? 0), 5000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      const end = loadavg()[0] ?? 0;
      samples.push(end);
      return { start, max: Math.max(...samples), mean: samples.reduce((a, b) => a + b, 0) / samples.length, end };
    },
  };
}

export function machine(load: Machine['load'], ansible: string | undefined): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    ...(ansible ? { ansible } : {}),
    load,
  };
}

export function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

const sec = (s: number) => (s < 10 ? `${s.toFixed(2)} s` : `${s.toFixed(1)} s`);
const mb = (m: number) => `${m.toFixed(0)} MB`;
/** zonectl / Ansible, with how many times faster (or smaller) zonectl is. */
const ratio = (z: number, a: number | undefined) => (a === undefined || a === 0 ? '—' : `${(z / a).toFixed(3)} (${(a / z).toFixed(0)}×)`);

/** The spread of repeated runs, e.g. `range 0.51–0.70 s`; undefined for one run. */
const range = (walls: readonly number[] | undefined) =>
  walls && walls.length > 1 ? `range ${Math.min(...walls).toFixed(2)}–${sec(Math.max(...walls))}` : undefined;

/** The reported wall time, with what else is known about it in brackets. */
function withDetail(seconds: number, ...details: (string | undefined)[]): string {
  const known = details.filter((d) => d !== undefined);
  return known.length > 0 ? `${sec(seconds)} (${known.join('; ')})` : sec(seconds);
}

function wall(m: RunMeasure): string {
  return withDetail(m.wallSeconds, m.runSeconds === undefined ? undefined : `run ${sec(m.runSeconds)}`, range(m.walls));
}

/** How the repeated runs are summarised; older results have no repeats. */
function repeats(sizes: readonly { repeats?: number; floor: { walls?: number[] } }[]): string {
  const n = Math.max(1, ...sizes.map((s) => s.repeats ?? 1));
  if (n === 1) return '';
  return ` The floor and each zonectl run were measured ${n} times (the nodes reset before each first apply): each row is the run with the median wall time, every wall time is in latest.json (\`walls\`); Ansible ran once.`;
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`# zonectl benchmark — ${r.date} (commit ${r.commit})`, '');
  out.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Linux ${m.kernel}, Node ${m.node}${m.ansible ? `, ${m.ansible}` : ''}.`,
    `Load average (1 min) during the run: ${m.load.start.toFixed(1)} at start, mean ${m.load.mean.toFixed(1)}, max ${m.load.max.toFixed(1)}, ${m.load.end.toFixed(1)} at end` +
      ` (the benchmark's own processes count too: Ansible's forks alone raise it to about N)` +
      (m.load.start > m.cores ? ` — **the machine was busy with other work when the run started; times on an idle machine are lower.**` : '.'),
    '',
  );
  if (r.compile) {
    const c = r.compile;
    out.push(`**Compile**: ${c.hosts} hosts × ${c.tasksPerHost} tasks in ${sec(c.seconds)}, peak RSS ${mb(c.peakRssMb)}.`, '');
  }
  if (r.engine) {
    const e = r.engine;
    out.push(
      `**Engine**: the reference hypervisor playbook (bench/hypervisor.yml: ${e.tasksPerNode} tasks per node, 20 files and 20 sysctls) on N lab nodes; Ansible runs bench/ansible/site.yml (pipelining, ControlPersist, no facts, forks = N) on the same nodes. Lab up: ${sec(e.labUpSeconds)}.` +
        repeats(e.sizes),
      '',
      '| N | run | zonectl wall | Ansible wall | wall z/A | zonectl CPU | Ansible CPU | CPU z/A | zonectl peak RSS | Ansible peak RSS | SSH per host z / A | changed per host z / A |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const s of e.sizes) {
      const f = s.floor;
      out.push(`| ${s.nodes} | floor: ${s.nodes} ssh2 connections, one no-op each | ${withDetail(f.wallSeconds, `connect+exec ${sec(f.connectSeconds)}`, range(f.walls))} | | | ${sec(f.cpuSeconds)} | | | ${mb(f.peakRssMb)} | | ${f.execsPerHost} | |`);
      for (const key of Object.keys(RUNS) as RunKey[]) {
        const z = s.zonectl[key];
        const a = s.ansible?.[key];
        out.push(
          `| ${s.nodes} | ${RUNS[key]} | ${wall(z)} | ${a ? sec(a.wallSeconds) : '—'} | ${ratio(z.wallSeconds, a?.wallSeconds)} | ${sec(z.cpuSeconds)} | ${a ? sec(a.cpuSeconds) : '—'} | ${ratio(z.cpuSeconds, a?.cpuSeconds)} | ${mb(z.peakRssMb)} | ${a ? mb(a.peakRssMb) : '—'} | ${z.sessionsPerHost} / ${a ? a.sessionsPerHost : '—'} | ${z.changedPerHost} / ${a ? a.changedPerHost : '—'} |`,
        );
      }
      const check = s.zonectl.check;
      out.push(`| ${s.nodes} | no-change check / floor | ${(check.wallSeconds / f.wallSeconds).toFixed(2)}× (run/connect+exec: ${((check.runSeconds ?? NaN) / f.connectSeconds).toFixed(2)}×) | | | | | | | | | |`);
    }
    out.push('');
    const problems = e.sizes.flatMap((s) => [
      ...(Object.keys(RUNS) as RunKey[]).flatMap((k) => [
        ...(s.zonectl[k].error ? [`N=${s.nodes} zonectl ${RUNS[k]}: ${s.zonectl[k].error}`] : []),
        ...(s.ansible?.[k].error ? [`N=${s.nodes} Ansible ${RUNS[k]}: ${s.ansible[k].error}`] : []),
      ]),
      ...(s.ansibleSkipped ? [`N=${s.nodes}: Ansible ${s.ansibleSkipped}`] : []),
    ]);
    if (problems.length > 0) out.push('Notes:', ...problems.map((p) => `- ${p}`), '');
  }
  for (const n of r.notRun) out.push(`- not run: ${n}`);
  out.push(
    'Columns: wall = the process from start to exit (zonectl: "run" is the part inside the process, connect to report); CPU = user + system time of the process and its children (GNU time); peak RSS = the largest single process; SSH per host = zonectl\'s SSH exec requests / Ansible\'s ssh and sftp sessions on its shared connection, counted by wrappers on PATH; changed = tasks changed (apply) or pending (check). Ratios are zonectl/Ansible, with how many times less zonectl took in brackets. See docs/bench.md.',
  );
  return `${out.join('\n')}\n`;
}
