/**
 * SshConnector against in-process ssh2 servers on 127.0.0.1 (helpers/ssh-server.ts):
 * real key authentication, real host keys, scripts run by a real `sh`.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ssh2 from 'ssh2';
import type { ConnectionSettings } from '../../src/plan/types.ts';
import { fingerprintSha256 } from '../../src/transport/fingerprint.ts';
import { SshConnector } from '../../src/transport/ssh.ts';
import { ConnectionError, type ConnectOptions } from '../../src/transport/types.ts';
import { closedPort, generateKey, startSilentServer, startSshServer, type KeyPair, type TestServer } from './helpers/ssh-server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'zonectl-transport-ssh-'));
const hostKey = generateKey('ed25519');
const userKey = generateKey('ed25519');
const strangerKey = generateKey('ed25519');
const keyFile = join(tmp, 'id_user');
const strangerFile = join(tmp, 'id_stranger');
writeFileSync(keyFile, userKey.private, { mode: 0o600 });
writeFileSync(strangerFile, strangerKey.private, { mode: 0o600 });

const started: { close(): Promise<void> }[] = [];
let server: TestServer;
let fileCount = 0;

/** Options that never touch the test user's ~/.ssh or agent. */
const isolated: ConnectOptions = { agentSocket: null, identityFiles: [], connectTimeoutMs: 10_000, keepaliveIntervalMs: 0 };

function knownHosts(...lines: string[]): string {
  const path = join(tmp, `known_hosts.${++fileCount}`);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

function entry(port: number, key: KeyPair): string {
  return `[127.0.0.1]:${port} ${key.public.split(' ').slice(0, 2).join(' ')}`;
}

function settings(port: number, over: Partial<ConnectionSettings> = {}): ConnectionSettings {
  return { address: '127.0.0.1', port, user: 'root', identity_file: keyFile, known_hosts: knownHosts(entry(port, hostKey)), jump: [], become: false, ...over };
}

async function failure(promise: Promise<unknown>): Promise<ConnectionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectionError);
    return error as ConnectionError;
  }
  throw new Error('expected a ConnectionError');
}

async function serve(options: Parameters<typeof startSshServer>[0]): Promise<TestServer> {
  const s = await startSshServer(options);
  started.push(s);
  return s;
}

beforeAll(async () => {
  server = await serve({ hostKeys: [hostKey], authorizedKeys: [userKey] });
});

afterAll(async () => {
  for (const s of started) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('running scripts', () => {
  it('sends the script on stdin to `sh -s` in one exec request and returns output and exit status', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port));
    try {
      const before = server.commands.length;
      const result = await conn.runScript('echo "out $((6*7))"\necho err >&2\nexit 3\n');
      expect(result).toEqual({ stdout: 'out 42\n', stderr: 'err\n', exitCode: 3 });
      expect(server.commands.slice(before)).toEqual(['sh -s']);
      expect(conn.execCount).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('counts exec requests, one per script, whatever the script size', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port));
    try {
      const big = Array.from({ length: 20_000 }, (_, i) => `: line ${i}`).join('\n');
      await conn.runScript(`${big}\necho done`);
      await conn.runScript('true');
      const third = await conn.runScript('printf %s ok');
      expect(third.stdout).toBe('ok');
      expect(conn.execCount).toBe(3);
    } finally {
      await conn.close();
    }
  });

  it('keeps multi-byte UTF-8 intact across chunk boundaries', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port));
    try {
      // 300 000 bytes of two-byte characters: many SSH packets, splits inside characters.
      const result = await conn.runScript(`i=0; while [ $i -lt 1500 ]; do printf '%s' '${'é'.repeat(100)}'; i=$((i+1)); done`);
      expect(result.stdout).toBe('é'.repeat(150_000));
    } finally {
      await conn.close();
    }
  });

  it('reports a command killed by a signal (exit-signal) as exit 255 with the signal name', async () => {
    // The server answers with an SSH exit-signal message, as sshd does when its child dies of a signal
    // (openssh.test.ts shows the same with the real sshd).
    const signalled = await serve({
      hostKeys: [hostKey],
      authorizedKeys: [userKey],
      onExec: (_command, channel) => {
        channel.stderr.write('about to die\n');
        channel.exit('TERM', false, '');
        channel.end();
      },
    });
    const conn = await new SshConnector(isolated).connect('h1', settings(signalled.port));
    try {
      expect(await conn.runScript('true')).toEqual({ stdout: '', stderr: 'about to die\n', exitCode: 255, signal: 'SIGTERM' });
    } finally {
      await conn.close();
    }
  });

  it('fails a script that outlives the command timeout, and the connection stays usable', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port));
    try {
      const error = await failure(conn.runScript('sleep 30', { timeoutMs: 300 }));
      expect(error.kind).toBe('command-timeout');
      expect(error.message).toBe('script on h1 did not finish within 0.3s; gave up on it (it may still be running there: sshd does not signal root sessions) (raise --command-timeout if it is just slow)');
      expect((await conn.runScript('echo still here')).stdout).toBe('still here\n');
      expect(conn.execCount).toBe(2);
    } finally {
      await conn.close();
    }
  });

  it('a connection dropped mid-command fails that script and every later one as dropped', async () => {
    const dropper = await serve({
      hostKeys: [hostKey],
      authorizedKeys: [userKey],
      onExec: (_command, channel, socket) => {
        channel.write('partial output\n');
        setTimeout(() => socket.destroy(), 50);
      },
    });
    const conn = await new SshConnector(isolated).connect('h1', settings(dropper.port));
    const error = await failure(conn.runScript('echo never runs'));
    expect(error.kind).toBe('dropped');
    expect(error.host).toBe('h1');
    expect(error.message).toMatch(/^connection to h1 was lost: /);
    const again = await failure(conn.runScript('true'));
    expect(again.kind).toBe('dropped');
    await conn.close();
  });

  it('notices a silent peer through keepalives and reports it as dropped', async () => {
    const frozen = await serve({
      hostKeys: [hostKey],
      authorizedKeys: [userKey],
      onExec: (_command, _channel, socket) => socket.pause(), // stops answering, connection stays open
    });
    const conn = await new SshConnector({ ...isolated, keepaliveIntervalMs: 100, keepaliveCountMax: 2 }).connect('h1', settings(frozen.port));
    const error = await failure(conn.runScript('true', { timeoutMs: 30_000 }));
    expect(error.kind).toBe('dropped');
    expect(error.message).toBe('connection to h1 was lost: no answer to 2 keepalives');
    await conn.close();
  });

  it('with become as a non-root user runs `sudo -n`, and a sudo that cannot give a root shell is a become error', async () => {
    // Commands run as nobody: real sudo (if installed) wants a password; without sudo, sh says "not found".
    const asNobody = await serve({ hostKeys: [hostKey], authorizedKeys: [userKey], runAs: { uid: 65534, gid: 65534 } });
    const conn = await new SshConnector(isolated).connect('h1', settings(asNobody.port, { user: 'operator', become: true }));
    try {
      const error = await failure(conn.runScript('id -u'));
      expect(error.kind).toBe('become');
      expect(error.message).toMatch(/^become failed on h1: `sudo -n` did not give operator a root shell: .*sudo.* \(allow operator passwordless sudo \(NOPASSWD\) on the host, or connect as root\)$/);
      expect(asNobody.commands[0]).toMatch(/^sudo -n sh -c 'printf '\\''%s\\n'\\'' zonectl-become-[0-9a-f]{24} >&2; exec sh -s'$/);
      expect(conn.execCount).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('as root, become needs no sudo', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port, { become: true }));
    try {
      const before = server.commands.length;
      expect((await conn.runScript('echo hi')).stdout).toBe('hi\n');
      expect(server.commands.slice(before)).toEqual(['sh -s']);
    } finally {
      await conn.close();
    }
  });

  it('refuses scripts after close()', async () => {
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port));
    await conn.close();
    const error = await failure(conn.runScript('true'));
    expect(error.message).toBe('connection to h1 is already closed');
  });
});

describe('authentication', () => {
  it('fails with the user, host and what was tried when no key is accepted', async () => {
    const error = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { identity_file: strangerFile })));
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(
      `authentication failed for root@h1 (tried: ${strangerFile}) (add a key to the agent, set identity_file, or check authorized_keys)`,
    );
  });

  it('says when an identity file is missing or encrypted, and never prints key material', async () => {
    const encrypted = ssh2.utils.generateKeyPairSync('ed25519', { passphrase: 'not-used-here', cipher: 'aes256-ctr', rounds: 16 });
    const encryptedFile = join(tmp, 'id_encrypted');
    writeFileSync(encryptedFile, encrypted.private, { mode: 0o600 });
    const missing = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { identity_file: join(tmp, 'nope') })));
    expect(missing.kind).toBe('auth');
    expect(missing.message).toContain(`skipped: ${join(tmp, 'nope')} (no such file)`);
    const locked = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { identity_file: encryptedFile })));
    expect(locked.message).toContain(`skipped: ${encryptedFile} (encrypted: load it into ssh-agent)`);
    expect(locked.message).not.toContain('PRIVATE KEY');
  });

  it('falls back to the default identity files when the host names none', async () => {
    const conn = await new SshConnector({ ...isolated, identityFiles: [join(tmp, 'absent'), strangerFile, keyFile] }).connect(
      'h1',
      settings(server.port, { identity_file: null }),
    );
    expect((await conn.runScript('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  describe('with a real ssh-agent', () => {
    let agent: ChildProcess | undefined;
    const socket = join(tmp, 'agent.sock');
    const haveAgent = existsSync('/usr/bin/ssh-agent') && existsSync('/usr/bin/ssh-add');

    beforeAll(async () => {
      if (!haveAgent) return;
      agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((r) => setTimeout(r, 20));
      execFileSync('ssh-add', ['-q', keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'pipe' });
    });
    afterAll(() => {
      agent?.kill();
    });

    // Outside CI a machine without ssh-agent skips these; under CI they must run.
    const agentIt = it.skipIf(!haveAgent && process.env.CI !== 'true');

    agentIt('authenticates with a key held by the agent (skipped when ssh-agent is not installed)', async () => {
      const conn = await new SshConnector({ ...isolated, agentSocket: socket }).connect('h1', settings(server.port, { identity_file: null }));
      expect((await conn.runScript('echo via agent')).stdout).toBe('via agent\n');
      await conn.close();
    });

    agentIt('names the agent in the auth failure when its keys are refused (skipped when ssh-agent is not installed)', async () => {
      const other = await serve({ hostKeys: [hostKey], authorizedKeys: [strangerKey] });
      const error = await failure(new SshConnector({ ...isolated, agentSocket: socket }).connect('h2', settings(other.port, { identity_file: null })));
      expect(error.message).toBe('authentication failed for root@h2 (tried: agent) (add a key to the agent, set identity_file, or check authorized_keys)');
    });

    it('an agent socket that does not answer is reported, not fatal', async () => {
      const error = await failure(
        new SshConnector({ ...isolated, agentSocket: join(tmp, 'no-agent.sock') }).connect('h1', settings(server.port, { identity_file: strangerFile })),
      );
      expect(error.kind).toBe('auth');
      expect(error.message).toBe(
        `authentication failed for root@h1 (tried: ${strangerFile}; skipped: agent ${join(tmp, 'no-agent.sock')} (failed to connect to agent)) (add a key to the agent, set identity_file, or check authorized_keys)`,
      );
    });
  });
});

describe('host keys', () => {
  const fp = (): string => fingerprintSha256(hostKey.blob);

  it('refuses an unknown host key, showing its SHA256 fingerprint, and does not log in', async () => {
    const path = knownHosts('# nothing yet');
    const logins = server.logins.length;
    const error = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path })));
    expect(error.kind).toBe('host-key-unknown');
    expect(error.message).toBe(`host key for h1 at [127.0.0.1]:${server.port} (ssh-ed25519 ${fp()}) is not in known_hosts ${path} (use --accept-new-host-keys to add it)`);
    expect(server.logins.length).toBe(logins);
  });

  it('refuses a changed host key, even with --accept-new-host-keys, and leaves known_hosts alone', async () => {
    const path = knownHosts(entry(server.port, strangerKey));
    const before = readFileSync(path, 'utf8');
    const error = await failure(new SshConnector({ ...isolated, acceptNewHostKeys: true }).connect('h1', settings(server.port, { known_hosts: path })));
    expect(error.kind).toBe('host-key-changed');
    expect(error.message).toContain(`host key for h1 at [127.0.0.1]:${server.port} has CHANGED: it presents ssh-ed25519 ${fp()}`);
    expect(error.message).toContain(`known_hosts has ssh-ed25519 ${fingerprintSha256(strangerKey.blob)} (${path}:1); refused`);
    expect(error.message).toContain(`ssh-keygen -R '[127.0.0.1]:${server.port}' -f ${path}`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses a key marked @revoked', async () => {
    const path = knownHosts(entry(server.port, hostKey), `@revoked * ${hostKey.public.split(' ').slice(0, 2).join(' ')}`);
    const error = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path })));
    expect(error.kind).toBe('host-key-changed');
    expect(error.message).toBe(`host key for h1 at [127.0.0.1]:${server.port} (ssh-ed25519 ${fp()}) is marked @revoked in ${path}:2: refused`);
  });

  it('--accept-new-host-keys appends an unknown key as [host]:port, and the next run trusts it', async () => {
    const path = join(tmp, 'new-dir', 'known_hosts');
    const conn = await new SshConnector({ ...isolated, acceptNewHostKeys: true }).connect('h1', settings(server.port, { known_hosts: path }));
    await conn.close();
    expect(readFileSync(path, 'utf8')).toBe(`${entry(server.port, hostKey)}\n`);
    const again = await new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path }));
    expect((await again.runScript('echo trusted')).stdout).toBe('trusted\n');
    await again.close();
  });

  it('a known_hosts that cannot be written is a clear error under --accept-new-host-keys', async () => {
    const path = join(keyFile, 'known_hosts'); // under a regular file: cannot be created
    const error = await failure(new SshConnector({ ...isolated, acceptNewHostKeys: true }).connect('h1', settings(server.port, { known_hosts: path })));
    expect(error.message).toMatch(new RegExp(`^cannot add the host key of h1 at \\[127\\.0\\.0\\.1\\]:${server.port} \\(ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\\) to known_hosts ${path}: E[A-Z]+`));
  });

  it('matches entries hashed by ssh-keygen -H', async () => {
    const path = knownHosts(entry(server.port, hostKey));
    execFileSync('ssh-keygen', ['-H', '-f', path], { stdio: 'pipe' });
    const hashed = readFileSync(path, 'utf8');
    expect(hashed).toMatch(/^\|1\|[A-Za-z0-9+/=]+\|[A-Za-z0-9+/=]+ ssh-ed25519 /);
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path }));
    expect((await conn.runScript('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  it('asks only for the key types known for the host, so a host with ed25519 and RSA is checked against the RSA key we know', async () => {
    const rsaKey = generateKey('rsa');
    const both = await serve({ hostKeys: [hostKey, rsaKey], authorizedKeys: [userKey] });
    const path = knownHosts(entry(both.port, rsaKey));
    const conn = await new SshConnector(isolated).connect('h1', settings(both.port, { known_hosts: path }));
    expect((await conn.runScript('echo ok')).stdout).toBe('ok\n');
    await conn.close();
  });

  it('uses the connector-wide known_hosts file when the host names none', async () => {
    const path = knownHosts(entry(server.port, hostKey));
    const conn = await new SshConnector({ ...isolated, knownHostsFile: path }).connect('h1', settings(server.port, { known_hosts: null }));
    await conn.close();
    const empty = knownHosts();
    const error = await failure(new SshConnector({ ...isolated, knownHostsFile: empty }).connect('h1', settings(server.port, { known_hosts: null })));
    expect(error.kind).toBe('host-key-unknown');
  });
});

describe('connect failures', () => {
  it('a connection refused names the host and says what to check', async () => {
    const port = await closedPort();
    const error = await failure(new SshConnector(isolated).connect('h1', settings(port)));
    expect(error.kind).toBe('refused');
    expect(error.message).toBe(`connection refused by h1 at [127.0.0.1]:${port} (is sshd running there, and is the port right?)`);
  });

  it('a server that never answers the handshake times out', async () => {
    const silent = await startSilentServer();
    started.push(silent);
    const error = await failure(new SshConnector({ ...isolated, connectTimeoutMs: 300 }).connect('h1', settings(silent.port)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`timed out after 0.3s connecting to h1 at [127.0.0.1]:${silent.port} (is the host up and reachable? raise --connect-timeout if it is just slow)`);
  });

  it('a name that does not resolve is a DNS error', async () => {
    const error = await failure(new SshConnector(isolated).connect('h1', settings(22, { address: 'no-such-host.invalid' })));
    expect(error.kind).toBe('dns');
    expect(error.message).toBe('cannot resolve no-such-host.invalid for h1 at no-such-host.invalid (check the address in the inventory, or DNS)');
  });
});

describe('jump hosts', () => {
  it('crosses a chain of two bastions in order, checking every hop\'s host key', async () => {
    const key1 = generateKey('ed25519');
    const key2 = generateKey('ecdsa');
    const bastion1 = await serve({ hostKeys: [key1], authorizedKeys: [userKey], forwarding: true });
    const bastion2 = await serve({ hostKeys: [key2], authorizedKeys: [userKey], forwarding: true });
    const path = knownHosts(entry(bastion1.port, key1), entry(bastion2.port, key2), entry(server.port, hostKey));
    const jump = [`jumper@127.0.0.1:${bastion1.port}`, `127.0.0.1:${bastion2.port}`];
    const before = server.commands.length;
    const conn = await new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path, jump }));
    try {
      expect((await conn.runScript('echo behind bastions')).stdout).toBe('behind bastions\n');
      expect(server.commands.slice(before)).toEqual(['sh -s']);
      expect(bastion1.logins).toEqual(['jumper']);
      expect(bastion2.logins).toEqual(['root']); // no user given: the host's user
      expect(bastion1.commands).toEqual([]);
      expect(conn.execCount).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('an unknown key on a jump host is refused and names that jump host', async () => {
    const key1 = generateKey('ed25519');
    const bastion = await serve({ hostKeys: [key1], authorizedKeys: [userKey], forwarding: true });
    const path = knownHosts(entry(server.port, hostKey));
    const error = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { known_hosts: path, jump: [`127.0.0.1:${bastion.port}`] })));
    expect(error.kind).toBe('host-key-unknown');
    expect(error.host).toBe('h1');
    expect(error.message).toBe(
      `host key for jump host root@127.0.0.1:${bastion.port} (to h1) (ssh-ed25519 ${fingerprintSha256(key1.blob)}) is not in known_hosts ${path} (use --accept-new-host-keys to add it)`,
    );
  });

  it('a jump host that cannot reach the next hop says so', async () => {
    const key1 = generateKey('ed25519');
    const bastion = await serve({ hostKeys: [key1], authorizedKeys: [userKey], forwarding: true });
    const port = await closedPort();
    const path = knownHosts(entry(bastion.port, key1));
    const error = await failure(new SshConnector(isolated).connect('h1', settings(port, { known_hosts: path, jump: [`127.0.0.1:${bastion.port}`] })));
    expect(error.message).toMatch(new RegExp(`^jump host root@127\\.0\\.0\\.1:${bastion.port} \\(to h1\\) could not connect to 127\\.0\\.0\\.1:${port}: `));
  });

  it('an invalid jump host is a clear error', async () => {
    const error = await failure(new SshConnector(isolated).connect('h1', settings(server.port, { jump: ['a@b@c'] })));
    expect(error.message).toBe('invalid jump host "a@b@c" (use user@host:port; user and port are optional, IPv6 as [addr]:port) in the jump list of h1');
  });
});
