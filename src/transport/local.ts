/**
 * Runs scripts on the controller itself, with the same contract as SSH: the
 * same command line (run by `sh -c`, as sshd runs it through the login shell),
 * the script on stdin, the same become handling and exec counting. For engine
 * tests and `--connection local`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { ConnectionSettings } from '../plan/types.ts';
import { finishScript, scriptCommand } from './become.ts';
import { seconds } from './errors.ts';
import { ConnectionError, type ConnectOptions, type Connector, type ExecOptions, type ExecResult, type HostConnection } from './types.ts';

const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;

export class LocalConnector implements Connector {
  private readonly defaults: ConnectOptions;

  constructor(defaults: ConnectOptions = {}) {
    this.defaults = defaults;
  }

  connect(host: string, settings: ConnectionSettings, options: ConnectOptions = {}): Promise<HostConnection> {
    const timeout = options.commandTimeoutMs ?? this.defaults.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    return Promise.resolve(new LocalHostConnection(host, settings.become, timeout));
  }
}

class LocalHostConnection implements HostConnection {
  private count = 0;
  private closed = false;
  private readonly user = process.getuid?.() === 0 ? 'root' : userInfo().username;

  constructor(
    private readonly host: string,
    private readonly become: boolean,
    private readonly commandTimeoutMs: number,
  ) {}

  get execCount(): number {
    return this.count;
  }

  async runScript(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new ConnectionError('other', this.host, `connection to ${this.host} is already closed`);
    const run = scriptCommand(this.become, this.user, `zonectl-become-${randomBytes(12).toString('hex')}`);
    const raw = await this.exec(run.command, script, options.timeoutMs ?? this.commandTimeoutMs);
    return finishScript(raw, run, this.host, this.user);
  }

  private exec(command: string, input: string, timeoutMs: number): Promise<ExecResult> {
    this.count += 1;
    return new Promise((resolve, reject) => {
      // `exec`, as a login shell does for sshd's one command, so the exit status
      // or signal is the script's own. Its own process group, so a timeout
      // kills the script's children too.
      const child = spawn('sh', ['-c', `exec ${command}`], { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              timedOut = true;
              try {
                if (child.pid) process.kill(-child.pid, 'SIGKILL');
              } catch {
                /* already gone */
              }
            }, timeoutMs)
          : undefined;
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.stdin.on('error', () => {
        /* the script exited before reading all of its input; its exit status tells */
      });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new ConnectionError('other', this.host, `cannot run sh on the controller: ${error.message}`));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (timedOut) {
          reject(new ConnectionError('command-timeout', this.host, `script on ${this.host} did not finish within ${seconds(timeoutMs)}; killed it (raise --command-timeout if it is just slow)`));
          return;
        }
        const result: ExecResult = {
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: Buffer.concat(stderr).toString('utf8'),
          exitCode: code ?? 255,
        };
        if (signal) result.signal = signal;
        resolve(result);
      });
      child.stdin.end(input);
    });
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
