/**
 * Prints the README's "Benchmarks" section from bench/results/latest.json, so
 * the figures quoted there are exactly the latest run's.
 *   node --import tsx bench/readme.ts
 */
import { readFileSync } from 'node:fs';
import type { RunMeasure, SizeResult } from './engine.ts';
import type { BenchResults } from './report.ts';

const r = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8')) as BenchResults;
const s = (x: number) => `${x.toFixed(x < 10 ? 2 : x < 100 ? 1 : 0)} s`;
const times = (z: number, a: number) => `${(a / z).toFixed(0)}×`;
const m = r.machine;
const out: string[] = ['## Benchmarks', ''];
out.push(
  `\`sudo npm run bench\` ([docs/bench.md](docs/bench.md)); full table: [bench/results/latest.md](bench/results/latest.md). Latest run: ${r.date.slice(0, 16).replace('T', ' ')} UTC, commit ${r.commit}, on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}${m.ansible ? `, ${m.ansible.replace(/^ansible-playbook \[core (.*)\]$/, 'ansible-core $1')}` : ''}. Load average: ${m.load.start.toFixed(1)} when the run started${m.load.start > m.cores ? ' — the machine was busy with other work (other engineers\' test runs); an idle machine gives lower times, Ansible\'s more so' : ' (quiet)'}; mean ${m.load.mean.toFixed(1)}, max ${m.load.max.toFixed(1)} during the run, the benchmark's own processes included (Ansible's forks).`,
  '',
);
if (r.compile) out.push(`- Compile, ${r.compile.hosts} hosts × ${r.compile.tasksPerHost} tasks: ${s(r.compile.seconds)}, peak RSS ${r.compile.peakRssMb.toFixed(0)} MB.`);
const e = r.engine;
if (e) {
  const row = (label: string, z: RunMeasure, a: RunMeasure | undefined) =>
    `| ${label} | ${s(z.wallSeconds)} (run ${s(z.runSeconds ?? NaN)}) | ${s(z.cpuSeconds)} | ${z.sessionsPerHost} | ${a ? `${s(a.wallSeconds)} | ${s(a.cpuSeconds)} | ${a.sessionsPerHost} | ${times(z.wallSeconds, a.wallSeconds)} / ${times(z.cpuSeconds, a.cpuSeconds)}` : '— | — | — | —'} |`;
  const table = (size: SizeResult) => {
    out.push(
      '',
      `N = ${size.nodes} nodes, the reference hypervisor playbook (${e.tasksPerNode} tasks per node: 20 files, 20 sysctls)${(size.repeats ?? 1) > 1 ? `; zonectl and the floor: the run with the median wall time of ${size.repeats}` : ''}${size.ansible ? `; Ansible (one run each) with pipelining, ControlPersist, no facts, forks = ${size.nodes}` : `; Ansible ${size.ansibleSkipped ?? 'not run'}`}:`,
      '',
      '| | zonectl wall | CPU | SSH execs per host | Ansible wall | CPU | SSH sessions per host | zonectl faster (wall / CPU) |',
      '|---|---|---|---|---|---|---|---|',
      row('first apply', size.zonectl.apply, size.ansible?.apply),
      row('no-change check', size.zonectl.check, size.ansible?.check),
      row('check, one value drifted', size.zonectl.drift, size.ansible?.drift),
      `| floor: ${size.nodes} ssh2 connections, one no-op each | ${s(size.floor.wallSeconds)} (connect + exec ${s(size.floor.connectSeconds)}) | ${s(size.floor.cpuSeconds)} | 1 | | | | |`,
    );
  };
  for (const size of e.sizes) if (size.nodes === 10 || size.nodes === Math.max(...e.sizes.map((x) => x.nodes))) table(size);
  const ten = e.sizes.find((x) => x.nodes === 10);
  if (ten) {
    const c = ten.zonectl.check;
    out.push(
      '',
      `Against the issue's targets at N = 10: the no-change check took ${(c.wallSeconds / ten.floor.wallSeconds).toFixed(2)}× the floor process to process, and ${((c.runSeconds ?? NaN) / ten.floor.connectSeconds).toFixed(2)}× its connect + exec time inside the process (target 1.5×)${ten.ansible ? `; the first apply was ${times(ten.zonectl.apply.wallSeconds, ten.ansible.apply.wallSeconds)} faster than Ansible's in wall time and ${times(ten.zonectl.apply.cpuSeconds, ten.ansible.apply.cpuSeconds)} in CPU (target 50×), the no-change check ${times(c.wallSeconds, ten.ansible.check.wallSeconds)} (target 100×)` : ''}. "run" is zonectl's time inside its process; the rest of its wall time is Node starting and loading the bundle (the floor program is bundled the same way).`,
    );
  }
}
process.stdout.write(`${out.join('\n')}\n`);
