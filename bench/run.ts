/**
 * `npm run bench`: the compile benchmark and the engine benchmark (against a
 * lab on this machine), printed as one table. Reports; never asserts.
 * `npm run bench -- compile` or `-- engine` runs one of them.
 */
import { benchCompile } from './compile.ts';
import { benchEngine, renderEngineRows } from './engine.ts';

const only = process.argv[2];
const lines: string[] = [];
const log = (line: string) => process.stderr.write(`${line}\n`);

if (!only || only === 'compile') {
  const hosts = 2000;
  const tasks = 40;
  const { seconds, peakRssMb } = await benchCompile(hosts, tasks);
  lines.push(`compile: ${hosts} hosts x ${tasks} tasks in ${seconds.toFixed(2)}s, peak RSS ${peakRssMb.toFixed(0)} MB`);
}

if (!only || only === 'engine') {
  try {
    lines.push(...renderEngineRows(await benchEngine(undefined, log)));
    lines.push('  (floor: N ssh2 connections each running one no-op; goal: a no-change check within 1.5x of it)');
  } catch (error) {
    lines.push(`engine: not run: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

process.stdout.write(`${lines.join('\n')}\n`);
