/**
 * `npm run bench`: one run, one table. Compile time and memory for a generated
 * 2000-host inventory, then on one lab: for N nodes the reference hypervisor
 * playbook through zonectl and (when installed) Ansible, and the floor.
 * Writes bench/results/latest.json and latest.md. Reports; never asserts.
 *
 *   npm run bench -- [--nodes 1,10,30] [--ansible-nodes 1,10] [--with-ansible | --no-ansible]
 *                    [--repeat 5] [--skip-compile] [--skip-engine]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ansibleAvailable, installAnsible } from './ansible.ts';
import { GNU_TIME } from './measure.ts';
import { benchCompile } from './compile.ts';
import { ANSIBLE_SIZES, BENCH_SIZES, benchEngine } from './engine.ts';
import { gitCommit, loadSampler, machine, renderMarkdown, type BenchResults } from './report.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

function sizes(text: string | undefined, fallback: readonly number[], flag: string): number[] {
  if (text === undefined) return [...fallback];
  const list = text.split(',').map((s) => Number(s.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1 || n > 200)) {
    log(`error: ${flag} takes node counts like 1,10,30 (whole numbers 1-200), not '${text}'`);
    process.exit(1);
  }
  return list;
}

let args;
try {
  args = parseArgs({
    options: {
      nodes: { type: 'string' },
      'ansible-nodes': { type: 'string' },
      'with-ansible': { type: 'boolean', default: false },
      'no-ansible': { type: 'boolean', default: false },
      'skip-compile': { type: 'boolean', default: false },
      'skip-engine': { type: 'boolean', default: false },
      repeat: { type: 'string', default: '5' },
    },
  }).values;
} catch (e) {
  log(`error: ${(e as Error).message} (options: --nodes, --ansible-nodes, --with-ansible, --no-ansible, --repeat, --skip-compile, --skip-engine)`);
  process.exit(1);
}

const nodeSizes = sizes(args.nodes, BENCH_SIZES, '--nodes');
const repeat = Number(args.repeat);
if (!Number.isInteger(repeat) || repeat < 1 || repeat > 50) {
  log(`error: --repeat takes how many times to measure zonectl's runs and the floor (a whole number 1-50), not '${args.repeat}'`);
  process.exit(1);
}
const ansibleSizes = sizes(args['ansible-nodes'], ANSIBLE_SIZES, '--ansible-nodes');
const sampler = loadSampler();
const results: BenchResults = { formatVersion: 1, date: new Date().toISOString(), commit: gitCommit(), machine: machine(sampler.stop(), undefined), notRun: [] };
const running = loadSampler();

if (!args['skip-compile']) {
  // First, while this process holds nothing else: its peak RSS is compile's.
  const hosts = 2000;
  const tasksPerHost = 40;
  log(`compile: ${hosts} hosts × ${tasksPerHost} tasks…`);
  const { seconds, peakRssMb } = await benchCompile(hosts, tasksPerHost);
  results.compile = { hosts, tasksPerHost, seconds, peakRssMb };
}

let ansibleVersion: string | undefined;
if (!args['skip-engine'] && !existsSync(GNU_TIME)) {
  results.notRun.push(`engine: ${GNU_TIME} is missing (apt-get install -y time): it measures each tool's CPU time and memory`);
  process.exitCode = 1;
} else if (!args['skip-engine']) {
  let unavailable: string | undefined;
  if (args['no-ansible']) unavailable = 'not run (--no-ansible)';
  else {
    let found = ansibleAvailable();
    if (!found.ok && args['with-ansible']) {
      try {
        installAnsible(log);
      } catch (error) {
        log(`installing ansible failed: ${(error as Error).message.split('\n')[0] ?? ''}`);
      }
      found = ansibleAvailable();
    }
    ansibleVersion = found.version;
    if (!found.ok) unavailable = `not run: ${found.reason}`;
  }
  try {
    results.engine = await benchEngine({ sizes: nodeSizes, ansibleSizes, repeat, ansibleUnavailable: unavailable, log });
  } catch (error) {
    results.notRun.push(`engine: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

results.machine = machine(running.stop(), ansibleVersion);
const markdown = renderMarkdown(results);
const dir = new URL('./results/', import.meta.url).pathname;
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}latest.json`, `${JSON.stringify(results, null, 2)}\n`);
writeFileSync(`${dir}latest.md`, markdown);
process.stdout.write(markdown);
log(`written: bench/results/latest.json, bench/results/latest.md`);
