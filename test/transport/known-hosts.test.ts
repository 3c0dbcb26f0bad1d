/**
 * known_hosts parsing against files recorded with OpenSSH 9.2 (see
 * test/fixtures/transport/known-hosts/README.md): which lines match a host is
 * compared with what `ssh-keygen -F` answered for the same file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintSha256, keyTypeOf } from '../../src/transport/fingerprint.ts';
import { knownHostsName, matchesHostPatterns } from '../../src/transport/host-pattern.ts';
import { KnownHosts } from '../../src/transport/known-hosts.ts';

const dir = join(import.meta.dirname, '..', 'fixtures', 'transport', 'known-hosts');
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const blob = (name: string): Buffer => Buffer.from(read(`${name}.pub`).split(' ')[1] as string, 'base64');
const tmp = mkdtempSync(join(tmpdir(), 'zonectl-transport-kh-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `ssh-keygen -F` output → name → matching line numbers (CA lines left out, as zonectl ignores them). */
function keygenAnswers(): Map<string, number[]> {
  const answers = new Map<string, number[]>();
  let current = '';
  for (const line of read('keygen-F.txt').split('\n')) {
    const query = /^== ssh-keygen -F (\S+) /.exec(line);
    if (query) answers.set((current = query[1] as string), []);
    const found = /^# Host \S+ found: line (\d+)( CA)?/.exec(line);
    if (found && !found[2]) answers.get(current)?.push(Number(found[1]));
  }
  return answers;
}

describe('fingerprints', () => {
  it('match ssh-keygen -lf -E sha256 for every key type', () => {
    // fingerprints.txt lists the keys in this order: `256 SHA256:… comment (TYPE)`.
    const recorded = read('fingerprints.txt').trim().split('\n').map((line) => line.split(' ')[1]);
    const names = ['host_ed25519', 'host_ecdsa', 'host_rsa', 'other_ed25519', 'ca', 'revoked'];
    expect(names.map((name) => fingerprintSha256(blob(name)))).toEqual(recorded);
  });

  it('read the key type from the key blob', () => {
    expect(keyTypeOf(blob('host_ed25519'))).toBe('ssh-ed25519');
    expect(keyTypeOf(blob('host_ecdsa'))).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOf(blob('host_rsa'))).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 9, 1, 2]))).toBeNull();
  });
});

describe('KnownHosts on a hashed file made by ssh-keygen -H', () => {
  const hashed = KnownHosts.parse(read('known_hosts.hashed'), 'known_hosts.hashed');

  it('finds the same lines for each host as ssh-keygen -F', () => {
    const answers = keygenAnswers();
    expect(answers.size).toBe(9);
    for (const [name, lines] of answers) {
      const bracket = /^\[(.+)\]:(\d+)$/.exec(name);
      const [host, port] = bracket ? [bracket[1] as string, Number(bracket[2])] : [name, 22];
      expect([name, hashed.entriesFor(host, port).map((e) => e.line)]).toEqual([name, lines]);
    }
  });

  it('knows every key type of a host with several', () => {
    expect(hashed.knownKeyTypes('kvm01.zone.example', 22)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    expect(hashed.knownKeyTypes('10.0.0.11', 22)).toEqual(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ssh-rsa']);
    expect(hashed.knownKeyTypes('127.0.0.1', 2222)).toEqual(['ssh-ed25519']);
    expect(hashed.knownKeyTypes('127.0.0.1', 22)).toEqual([]);
  });

  it('checks a presented key: match, unknown host, changed key, revoked key', () => {
    expect(hashed.check('kvm01.zone.example', 22, 'ecdsa-sha2-nistp256', blob('host_ecdsa'))).toBe('match');
    expect(hashed.check('10.0.0.11', 22, 'ssh-rsa', blob('host_rsa'))).toBe('match');
    expect(hashed.check('127.0.0.1', 2222, 'ssh-ed25519', blob('host_ed25519'))).toBe('match');
    expect(hashed.check('kvm02.zone.example', 2200, 'ssh-ed25519', blob('other_ed25519'))).toBe('match');
    // Known on port 2222 only: on 22 it is another host.
    expect(hashed.check('127.0.0.1', 22, 'ssh-ed25519', blob('host_ed25519'))).toBe('unknown');
    expect(hashed.check('kvm01.zone.example', 22, 'ssh-ed25519', blob('other_ed25519'))).toBe('changed');
    // A key type the host is not known with, while it is known with others.
    expect(hashed.check('10.0.0.12', 22, 'ssh-rsa', blob('host_rsa'))).toBe('changed');
    const revoked = hashed.verdict('anything.example', 22, 'ssh-ed25519', blob('revoked'));
    expect(revoked).toMatchObject({ status: 'changed', reason: 'revoked' });
    expect(revoked.entries.map((e) => e.line)).toEqual([14]);
  });

  it('never lets an @cert-authority line vouch for a key', () => {
    expect(hashed.check('kvm09.zone.example', 22, 'ssh-ed25519', blob('ca'))).toBe('unknown');
  });

  it('applies wildcard and negated patterns', () => {
    expect(hashed.check('x.lab.example', 22, 'ssh-ed25519', blob('other_ed25519'))).toBe('match');
    expect(hashed.check('bad.lab.example', 22, 'ssh-ed25519', blob('other_ed25519'))).toBe('unknown');
  });

  it('skips malformed lines, remembering where they are', () => {
    expect(hashed.invalidLines).toEqual([15]);
  });
});

describe('KnownHosts on the plain file', () => {
  const plain = KnownHosts.parse(read('known_hosts.plain'), 'known_hosts.plain');

  it('matches comma-separated host lists and [host]:port names', () => {
    expect(plain.entriesFor('10.0.0.11', 22).map((e) => [e.line, e.keyType])).toEqual([
      [2, 'ssh-ed25519'],
      [3, 'ecdsa-sha2-nistp256'],
      [4, 'ssh-rsa'],
      [11, 'ssh-ed25519'],
    ]);
    expect(plain.check('KVM01.zone.example', 22, 'ssh-rsa', blob('host_rsa'))).toBe('match');
    expect(plain.check('kvm02.zone.example', 2200, 'ssh-ed25519', blob('other_ed25519'))).toBe('match');
    expect(plain.check('kvm02.zone.example', 22, 'ssh-ed25519', blob('other_ed25519'))).toBe('unknown');
    expect(plain.invalidLines).toEqual([12]);
  });
});

describe('KnownHosts.add', () => {
  it('appends [host]:port for other ports and plain names for 22, without touching other lines', () => {
    const path = join(tmp, 'append');
    writeFileSync(path, '# no newline at the end');
    const file = KnownHosts.load(path);
    file.add('127.0.0.1', 2222, 'ssh-ed25519', blob('host_ed25519'));
    file.add('kvm03.zone.example', 22, 'ssh-rsa', blob('host_rsa'));
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(
      `# no newline at the end\n[127.0.0.1]:2222 ${read('host_ed25519.pub').split(' ').slice(0, 2).join(' ')}\nkvm03.zone.example ${read('host_rsa.pub').split(' ').slice(0, 2).join(' ')}\n`,
    );
    // What was appended is found again, by the same object and by a fresh load.
    expect(file.check('127.0.0.1', 2222, 'ssh-ed25519', blob('host_ed25519'))).toBe('match');
    expect(KnownHosts.load(path).check('kvm03.zone.example', 22, 'ssh-rsa', blob('host_rsa'))).toBe('match');
    expect(KnownHosts.load(path).entriesFor('kvm03.zone.example', 22).map((e) => e.line)).toEqual([3]);
  });

  it('treats a missing file as empty and creates it on add', () => {
    const path = join(tmp, 'sub', 'dir', 'known_hosts');
    const file = KnownHosts.load(path);
    expect(file.entries).toEqual([]);
    file.add('10.0.0.5', 22, 'ssh-ed25519', blob('host_ed25519'));
    expect(readFileSync(path, 'utf8')).toBe(`10.0.0.5 ${read('host_ed25519.pub').split(' ').slice(0, 2).join(' ')}\n`);
  });
});

describe('host patterns', () => {
  it('follow ssh: wildcards, negation wins, case-insensitive, [host]:port names', () => {
    expect(knownHostsName('Kvm01', 22)).toBe('kvm01');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
    expect(matchesHostPatterns('kvm01.zone', 'kvm0?.zone')).toBe(true);
    expect(matchesHostPatterns('kvm10.zone', 'kvm0?.zone')).toBe(false);
    expect(matchesHostPatterns('a.lab', '*.lab,!a.lab')).toBe(false);
    expect(matchesHostPatterns('[10.0.0.1]:2222', '[10.0.0.*]:2222')).toBe(true);
    expect(matchesHostPatterns('[10.0.0.1]:2222', '10.0.0.1')).toBe(false);
    expect(matchesHostPatterns('kvm01', 'KVM01')).toBe(true);
  });
});
