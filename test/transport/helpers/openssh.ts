/**
 * A real OpenSSH sshd for tests: `/usr/sbin/sshd -D -e -f <temp config>` on
 * 127.0.0.1 with host keys made by ssh-keygen in a temp dir and its own
 * authorized_keys. Needs root (sshd's privilege separation) and
 * /run/sshd, which sshd insists on; stop() kills the daemon it started.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

/** Why a real sshd cannot run here, or null when it can. */
export function openSshUnavailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is not installed`;
  if (process.getuid?.() !== 0) return 'sshd needs root for privilege separation';
  return null;
}

export interface OpenSsh {
  port: number;
  /** `ssh-ed25519 AAAA… comment` lines of the host keys, by type. */
  hostKeys: Record<'ed25519' | 'rsa', string>;
  hostKeyFiles: Record<'ed25519' | 'rsa', string>;
  stop(): Promise<void>;
}

export function sshKeygen(path: string, type: 'ed25519' | 'rsa'): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `zonectl-test-${type}`, '-f', path], { stdio: 'pipe' });
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export async function startOpenSsh(dir: string, port: number, authorizedKeys: string[]): Promise<OpenSsh> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKeyFiles = { ed25519: join(dir, 'ssh_host_ed25519_key'), rsa: join(dir, 'ssh_host_rsa_key') };
  const hostKeys = { ed25519: sshKeygen(hostKeyFiles.ed25519, 'ed25519'), rsa: sshKeygen(hostKeyFiles.rsa, 'rsa') };
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, authorizedKeys.map((k) => `${k}\n`).join(''), { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `Port ${port}`,
      `HostKey ${hostKeyFiles.ed25519}`,
      `HostKey ${hostKeyFiles.rsa}`,
      `AuthorizedKeysFile ${authorized}`,
      `PidFile none`,
      `UsePAM no`,
      `StrictModes no`,
      `PermitRootLogin prohibit-password`,
      `PasswordAuthentication no`,
      `KbdInteractiveAuthentication no`,
      `AllowTcpForwarding yes`,
      `LogLevel ${process.env.ZONECTL_TEST_SSHD_LOGLEVEL ?? 'INFO'}`,
      '',
    ].join('\n'),
  );
  const daemon: ChildProcess = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${log}`)), 10_000);
    daemon.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    daemon.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}: ${log}`));
    });
  });
  // ZONECTL_TEST_SSHD_LOGLEVEL=DEBUG1 shows sshd's log while debugging a test.
  if (process.env.ZONECTL_TEST_SSHD_LOGLEVEL) daemon.stderr?.on('data', (c: Buffer) => process.stderr.write(c));
  daemon.stderr?.resume();
  return {
    port,
    hostKeys,
    hostKeyFiles,
    stop: () =>
      new Promise<void>((resolve) => {
        if (daemon.exitCode !== null || daemon.signalCode !== null) return resolve();
        daemon.once('exit', () => resolve());
        daemon.kill('SIGTERM');
      }),
  };
}
