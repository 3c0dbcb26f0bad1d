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
  return new Promise((resolve, reject) => {
    const env = { ...process.env, SSH_AUTH_SOCK: '', ...options.env };
    const child = spawn(LAUNCHER, args, { cwd: options.cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 255, stdout, stderr }));
  });
}
