/**
 * SshConnector against the real OpenSSH sshd of this machine (what the lab
 * runs): host keys as ssh-keyscan reports them, hashed by ssh-keygen, key
 * auth, exit signals, timeouts, a session killed mid-command, and sshd as a
 * jump host. Runs as root only (sshd's privilege separation); under CI=true
 * it must run.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/plan/types.ts';
import { fingerprintSha256 } from '../../src/transport/fingerprint.ts';
import { SshConnector } from '../../src/transport/ssh.ts';
import { ConnectionError, type ConnectOptions } from '../../src/transport/types.ts';
import { openSshUnavailable, sshKeygen, startOpenSsh, type OpenSsh } from './helpers/openssh.ts';
import { closedPort } from './helpers/ssh-server.ts';

const unavailable = openSshUnavailable();
const inCi = process.env.CI === 'true';
if (unavailable && inCi) throw new Error(`real sshd tests cannot run under CI: ${unavailable}`);

const tmp = mkdtempSync(join(tmpdir(), 'zonectl-transport-openssh-'));
const isolated: ConnectOptions = { agentSocket: null, identityFiles: [], connectTimeoutMs: 10_000, keepaliveIntervalMs: 0 };
let sshd: OpenSsh | undefined;
let userKeyFile = '';
let strangerKeyFile = '';
let scanned = '';

function settings(over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  const knownHosts = join(tmp, 'known_hosts.scanned');
  return { address: '127.0.0.1', port: sshd?.port ?? 0, user: 'root', identity_file: userKeyFile, known_hosts: knownHosts, jump: [], become: false, ...over };
}

async function failure(promise: Promise<unknown>): Promise<ConnectionError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a ConnectionError');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectionError);
  return error as ConnectionError;
}

/** Shell that finds the process sshd started for this session (the one sshd waits on). */
const SESSION_CHILD = `p=$$; while :; do pp=$(awk '{print $4}' /proc/$p/stat); [ "$(cat /proc/$pp/comm)" = sshd ] && break; p=$pp; done`;

describe.skipIf(unavailable !== null)(`real OpenSSH sshd${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    userKeyFile = join(tmp, 'id_user');
    strangerKeyFile = join(tmp, 'id_stranger');
    const userPub = sshKeygen(userKeyFile, 'ed25519');
    sshKeygen(strangerKeyFile, 'ed25519');
    sshd = await startOpenSsh(tmp, await closedPort(), [userPub]);
    // What an operator would do: ssh-keyscan the host into known_hosts.
    scanned = execFileSync('ssh-keyscan', ['-p', String(sshd.port), '-t', 'ed25519,rsa', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    writeFileSync(join(tmp, 'known_hosts.scanned'), scanned);
  });

  afterAll(async () => {
    await sshd?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('runs a script with keys from ssh-keyscan ([127.0.0.1]:PORT entries, two key types)', async () => {
    expect(scanned).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd?.port} ssh-ed25519 `, 'm'));
    expect(scanned).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd?.port} ssh-rsa `, 'm'));
    const conn = await new SshConnector(isolated).connect('lab1', settings());
    try {
      expect(await conn.runScript('id -u\necho warn >&2\nexit 7\n')).toEqual({ stdout: '0\n', stderr: 'warn\n', exitCode: 7 });
      expect(await conn.runScript('printf %s "$0"')).toMatchObject({ stdout: 'sh', exitCode: 0 });
      expect(conn.execCount).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('checks the RSA key when only RSA is known, though sshd also has ed25519', async () => {
    const rsaOnly = join(tmp, 'known_hosts.rsa');
    writeFileSync(rsaOnly, scanned.split('\n').filter((l) => l.includes(' ssh-rsa ')).join('\n'));
    const conn = await new SshConnector(isolated).connect('lab1', settings({ known_hosts: rsaOnly }));
    expect((await conn.runScript('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  it('matches known_hosts hashed by ssh-keygen -H', async () => {
    const hashed = join(tmp, 'known_hosts.hashed');
    writeFileSync(hashed, scanned);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'pipe' });
    expect(readFileSync(hashed, 'utf8')).not.toContain('127.0.0.1');
    const conn = await new SshConnector(isolated).connect('lab1', settings({ known_hosts: hashed }));
    expect((await conn.runScript('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  it('an unknown host key shows the fingerprint ssh-keygen -lf shows', async () => {
    const empty = join(tmp, 'known_hosts.empty');
    writeFileSync(empty, '');
    const error = await failure(new SshConnector(isolated).connect('lab1', settings({ known_hosts: empty })));
    expect(error.kind).toBe('host-key-unknown');
    const keygen = execFileSync('ssh-keygen', ['-lf', `${sshd?.hostKeyFiles.ed25519}.pub`]).toString().split(' ')[1];
    expect(error.message).toContain(`(ssh-ed25519 ${keygen})`);
  });

  it('a changed host key is refused', async () => {
    const other = join(tmp, 'known_hosts.other');
    const otherPub = sshKeygen(join(tmp, 'other_host_key'), 'ed25519').split(' ').slice(0, 2).join(' ');
    writeFileSync(other, `[127.0.0.1]:${sshd?.port} ${otherPub}\n`);
    const error = await failure(new SshConnector({ ...isolated, acceptNewHostKeys: true }).connect('lab1', settings({ known_hosts: other })));
    expect(error.kind).toBe('host-key-changed');
    const presented = sshd?.hostKeys.ed25519.split(' ')[1] as string;
    expect(error.message).toContain(`it presents ssh-ed25519 ${fingerprintSha256(Buffer.from(presented, 'base64'))}`);
  });

  it('a key sshd does not authorize fails authentication', async () => {
    const error = await failure(new SshConnector(isolated).connect('lab1', settings({ identity_file: strangerKeyFile })));
    expect(error.kind).toBe('auth');
    expect(error.message).toContain(`authentication failed for root@lab1 (tried: ${strangerKeyFile})`);
  });

  it('a script that dies of a signal reports it (sshd sends exit-signal)', async () => {
    const conn = await new SshConnector(isolated).connect('lab1', settings());
    try {
      expect(await conn.runScript(`${SESSION_CHILD}; kill -TERM $p; sleep 5`)).toMatchObject({ exitCode: 255, signal: 'SIGTERM' });
    } finally {
      await conn.close();
    }
  });

  it('a command timeout fails the script and the connection stays usable', async () => {
    // zonectl asks sshd to KILL the script, but OpenSSH refuses signal requests
    // for root sessions (no post-auth privilege separation; sshd logs "session
    // signalling requires privilege separation"), so as root the script keeps
    // running on the host. This test stops its own leftover by pid.
    const conn = await new SshConnector(isolated).connect('lab1', settings());
    const sleeper = 'sleep 29.4071'; // a unique command line to find our own leftover
    try {
      const error = await failure(conn.runScript(`${sleeper}; echo not reached`, { timeoutMs: 500 }));
      expect(error.kind).toBe('command-timeout');
      expect(error.message).toBe('script on lab1 did not finish within 0.5s; gave up on it (it may still be running there: sshd does not signal root sessions) (raise --command-timeout if it is just slow)');
      expect((await conn.runScript('echo after')).stdout).toBe('after\n');
    } finally {
      await conn.close();
      const pids = execFileSync('sh', ['-c', `pgrep -f '^${sleeper}$' || true`]).toString().split('\n').filter(Boolean);
      for (const pid of pids) process.kill(Number(pid), 'SIGKILL');
    }
  });

  it('a session killed mid-command is a dropped connection', async () => {
    const conn = await new SshConnector(isolated).connect('lab1', settings());
    // Kill this session's sshd process (the parent of the session's shell), as if sshd crashed.
    const error = await failure(conn.runScript(`${SESSION_CHILD}; echo before; kill -9 $pp; sleep 5`));
    expect(error.kind).toBe('dropped');
    expect(error.message).toMatch(/^connection to lab1 was lost: /);
    await conn.close();
  });

  it('crosses sshd as a jump host (direct-tcpip), checking both host keys', async () => {
    const conn = await new SshConnector(isolated).connect('lab1', settings({ jump: [`root@127.0.0.1:${sshd?.port}`] }));
    try {
      expect((await conn.runScript('echo through the bastion')).stdout).toBe('through the bastion\n');
    } finally {
      await conn.close();
    }
  });
});
