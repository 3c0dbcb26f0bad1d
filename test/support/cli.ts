/**
 * Runs the real CLI (bin/zonectl.js) as an operator would, for end-to-end tests.
 * No ssh-agent is passed on, so only the key named in the inventory is offered.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const LAUNCHER = join(import.meta.dirname, '..', '..', 'bin', 'zonectl.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runZonectl(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  return runProcess(LAUNCHER, args, { cwd: options.cwd, env: { ...process.env, SSH_AUTH_SOCK: '', ...options.env } });
}

/** Runs a program with no stdin and collects its output and exit code (255 when killed). */
export function runProcess(file: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr }));
  });
}
