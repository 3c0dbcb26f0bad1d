/**
 * Runs one controller command as a child process under GNU time and returns
 * what the benchmark reports: wall time, CPU time (user + system of the child
 * and every descendant it waited for) and peak memory (the largest resident
 * set of any one process in that tree — GNU time's %M, from wait4's rusage).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measured {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  code: number;
  stdout: string;
  stderr: string;
}

export const GNU_TIME = '/usr/bin/time';

export function measure(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'zonectl-bench-time-'));
  const out = join(dir, 'rusage');
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // %U user, %S system (seconds), %M max RSS (KiB).
    const child = spawn(GNU_TIME, ['-f', '%U %S %M', '-o', out, command, ...args], { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', (e) => {
      rmSync(dir, { recursive: true, force: true });
      reject(e);
    });
    child.on('close', (code) => {
      const wallSeconds = (performance.now() - start) / 1000;
      try {
        // GNU time writes "Command exited with non-zero status N" before the numbers.
        const last = readFileSync(out, 'utf8').trim().split('\n').pop() ?? '';
        const [user, sys, rssKb] = last.split(' ').map(Number);
        if (user === undefined || sys === undefined || rssKb === undefined || [user, sys, rssKb].some(Number.isNaN)) throw new Error(`unexpected GNU time output: ${last}`);
        resolve({ wallSeconds, cpuSeconds: user + sys, peakRssMb: rssKb / 1024, code: code ?? 255, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
