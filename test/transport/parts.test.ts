/** The transport's pure parts: jump host specs, the hop plan, become's command and its reading. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionSettings } from '../../src/plan/types.ts';
import { finishScript, readBecome, scriptCommand } from '../../src/transport/become.ts';
import { hostKeyAlgorithms } from '../../src/transport/host-key.ts';
import { formatJumpHost, parseJumpHost } from '../../src/transport/jump.ts';
import { expandHome } from '../../src/transport/paths.ts';
import { planHops } from '../../src/transport/ssh.ts';
import { ConnectionError } from '../../src/transport/types.ts';

describe('jump hosts', () => {
  it('parse user@host:port with user and port optional, IPv6 in brackets', () => {
    expect(parseJumpHost('admin@bastion.zone:2222')).toEqual({ user: 'admin', host: 'bastion.zone', port: 2222 });
    expect(parseJumpHost('10.0.0.1')).toEqual({ user: null, host: '10.0.0.1', port: 22 });
    expect(parseJumpHost('ops@[2001:db8::1]:2200')).toEqual({ user: 'ops', host: '2001:db8::1', port: 2200 });
    expect(parseJumpHost('ssh://ops@bastion:2022')).toEqual({ user: 'ops', host: 'bastion', port: 2022 });
    expect(formatJumpHost({ user: 'ops', host: '2001:db8::1', port: 2200 })).toBe('ops@[2001:db8::1]:2200');
  });

  it('refuse anything else, saying what is allowed', () => {
    for (const bad of ['', 'a@b@c', 'host:0', 'host:65536', 'host:ssh', 'user@', 'a b']) {
      expect(() => parseJumpHost(bad)).toThrow(`invalid jump host ${JSON.stringify(bad)} (use user@host:port; user and port are optional, IPv6 as [addr]:port)`);
    }
  });

  it('become hops crossed in order, ending at the host; a jump without a user uses the host user', () => {
    const settings: ConnectionSettings = {
      address: '10.0.0.11',
      port: 22,
      user: 'root',
      identity_file: null,
      known_hosts: null,
      jump: ['admin@bastion1:2222', 'bastion2'],
      become: false,
    };
    expect(planHops('kvm01', settings).map((h) => [h.user, h.address, h.port, h.label])).toEqual([
      ['admin', 'bastion1', 2222, 'jump host admin@bastion1:2222 (to kvm01)'],
      ['root', 'bastion2', 22, 'jump host root@bastion2:22 (to kvm01)'],
      ['root', '10.0.0.11', 22, 'kvm01 at 10.0.0.11'],
    ]);
    expect(planHops('kvm01', { ...settings, address: 'kvm01', jump: [] }).map((h) => h.label)).toEqual(['kvm01']);
  });
});

describe('become', () => {
  it('runs plain `sh -s` without become or as root', () => {
    expect(scriptCommand(false, 'ops', 'm')).toEqual({ command: 'sh -s', becomeMarker: null });
    expect(scriptCommand(true, 'root', 'm')).toEqual({ command: 'sh -s', becomeMarker: null });
  });

  it('wraps the shell in `sudo -n` for another user, announcing itself with the marker', () => {
    expect(scriptCommand(true, 'ops', 'zonectl-become-abc')).toEqual({
      command: `sudo -n sh -c 'printf '\\''%s\\n'\\'' zonectl-become-abc >&2; exec sh -s'`,
      becomeMarker: 'zonectl-become-abc',
    });
  });

  it('strips the marker and keeps sudo warnings and the script\'s own stderr', () => {
    // sudo's warning text as sudo 1.9 prints it when the hostname does not resolve.
    const stderr = 'sudo: unable to resolve host kvm01: Name or service not known\nzonectl-become-abc\nscript says hi\n';
    expect(readBecome({ stderr, exitCode: 0 }, 'zonectl-become-abc')).toEqual({
      ok: true,
      stderr: 'sudo: unable to resolve host kvm01: Name or service not known\nscript says hi\n',
    });
  });

  it('a missing marker is a become error quoting what sudo said', () => {
    // sudo(8): with -n, "If a password is required for the command to run, sudo will display an error message and exit."
    const run = scriptCommand(true, 'ops', 'zonectl-become-abc');
    let error: unknown;
    try {
      finishScript({ stdout: '', stderr: 'sudo: a password is required\n', exitCode: 1 }, run, 'kvm01', 'ops');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).kind).toBe('become');
    expect((error as ConnectionError).message).toBe(
      'become failed on kvm01: `sudo -n` did not give ops a root shell: sudo: a password is required (allow ops passwordless sudo (NOPASSWD) on the host, or connect as root)',
    );
  });
});

describe('host key algorithms', () => {
  it('are limited to the types known for the host, RSA with its SHA-2 signatures first', () => {
    expect(hostKeyAlgorithms(['ssh-rsa', 'ssh-ed25519'])).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(hostKeyAlgorithms([])).toBeUndefined();
    expect(hostKeyAlgorithms(['sk-ssh-ed25519@openssh.com'])).toBeUndefined();
  });
});

describe('paths', () => {
  it('expand ~ to the home directory', () => {
    expect(expandHome('~/.ssh/id_rsa', '/home/ops')).toBe('/home/ops/.ssh/id_rsa');
    expect(expandHome('~', '/home/ops')).toBe('/home/ops');
    expect(expandHome('/etc/ssh/known', '/home/ops')).toBe('/etc/ssh/known');
  });
});

describe('loading under plain Node', () => {
  it('imports the transport the way bin/zonectl.js does (ssh2 is CommonJS: named imports that vitest accepts can fail in Node)', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "const t = await import('./src/transport/index.ts'); console.log(typeof t.SshConnector, typeof t.KnownHosts)"], {
      cwd: join(import.meta.dirname, '..', '..'),
    }).toString();
    expect(out).toBe('function function\n');
  });
});
