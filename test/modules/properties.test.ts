/**
 * properties from recorded probe output (test/fixtures/modules/properties,
 * recorded by test/fixtures/modules/record.ts with /bin/sh on this machine).
 */
import { describe, expect, it } from 'vitest';
import type { PropertiesParams } from '../../src/modules/properties/schema.ts';
import type { KeyFileState } from '../../src/modules/properties/state.ts';
import { CTX, diffOf, loadFixture, moduleNamed, summaries } from './fixture.ts';

const properties = moduleNamed<PropertiesParams>('properties');

describe('properties schema', () => {
  const messages = (input: unknown): string[] => {
    const r = properties.schema.safeParse(input);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  it('takes numbers and booleans as text', () => {
    expect(properties.schema.parse({ path: '/x', set: { workers: 5, 'ssl.enabled': true } }).set).toEqual({ workers: '5', 'ssl.enabled': 'true' });
  });
  it('names what is allowed', () => {
    expect(messages({ path: '/x', set: { 'a b': 1 } })).toEqual(['set.a b: key must be a key like guest.network.device (letters, digits, _ . - / @)']);
    expect(messages({ path: '/x', set: { a: 'x\ny' } })).toEqual(['set.a: value must be one line (no line breaks)']);
    expect(messages({ path: '/x', set: { a: 1 }, remove: ['a'] })).toEqual(['remove: a is both set and removed']);
    expect(messages({ path: '/x' })).toEqual([': give set, remove, mode, owner or group: nothing to manage']);
    expect(messages({ path: '/x', set: { a: 1 }, sets: {} })[0]).toMatch(/^: unknown parameter sets \(allowed: path, set, remove, mode, owner, group, validate\)/);
  });
});

describe('properties from a recorded agent.properties', () => {
  it('reads every key line, not the continuation that looks like one', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    const state = properties.parse(f.output, f.params, CTX) as KeyFileState;
    expect(state.lines.filter((l) => l.key === 'private.network.device').map((l) => l.value)).toEqual(['cloudbr0']);
    expect(state.lines.filter((l) => l.key === 'guest.network.device').map((l) => [l.line + 1, l.value])).toEqual([
      [10, 'cloudbr0'],
      [15, 'cloudbr0'],
    ]);
  });

  it('shows only the managed keys that change, and the mode', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual([
      'public.network.device: cloudbr0 → cloudbr1',
      'guest.network.device: cloudbr0 → cloudbr1',
      'network.bridge.type: (not set) → native',
      'workers: 5 → (removed)',
      `mode of ${f.params.path}: 0644 → 0600`,
    ]);
    // No unified diff: the passphrase zonectl does not manage never shows.
    expect(JSON.stringify(changes)).not.toContain('s3cr3tPass');
  });

  it('in sync when every managed key already has its value', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    f.params = properties.schema.parse({ path: f.params.path, set: { 'guest.network.device': 'cloudbr0', 'local.storage.path': '/var/lib/libvirt/images' } });
    expect(diffOf(f)).toEqual([]);
  });

  it('a duplicate whose last line is right but an earlier one is not', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    // Recorded file: line 10 `guest.network.device: cloudbr0`, line 15 `guest.network.device=cloudbr0`.
    const edited = Buffer.from(
      Buffer.from(/file\.base64\n([\s\S]*)\nfile\.end/.exec(f.output.stdout)?.[1]?.replace(/\n/g, '') ?? '', 'base64')
        .toString('utf8')
        .replace('guest.network.device=cloudbr0', 'guest.network.device=cloudbr1'),
    ).toString('base64');
    const output = { ...f.output, stdout: f.output.stdout.replace(/file\.base64\n[\s\S]*\nfile\.end/, `file.base64\n${edited}\nfile.end`) };
    const p = properties.schema.parse({ path: f.params.path, set: { 'guest.network.device': 'cloudbr1' } });
    const changes = properties.diff(p, properties.parse(output, p, CTX), CTX);
    expect(summaries(changes)).toEqual(['guest.network.device: duplicate line 10 has cloudbr0 → cloudbr1']);
  });

  it('values of keys that look like passwords are not printed', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    f.params = properties.schema.parse({ path: f.params.path, set: { 'keystore.passphrase': 'n3wPass' }, remove: ['keystore.passphrase.old'] });
    const changes = diffOf(f);
    expect(summaries(changes)).toEqual(['keystore.passphrase: <hidden> → <hidden>']);
  });

  it('CRLF file without a final newline', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent-crlf');
    const state = properties.parse(f.output, f.params, CTX) as KeyFileState;
    expect(state.text).toContain('\r\n');
    expect(state.lines.find((l) => l.key === 'zone')?.value).toBe('1');
    expect(state.lines.find((l) => l.key === 'workers')?.value).toBe('5');
    expect(summaries(diffOf(f))).toEqual(['guest.network.device: cloudbr0 → cloudbr1', 'network.bridge.type: (not set) → native']);
  });

  it('a missing file is created with mode 0600', () => {
    const f = loadFixture<PropertiesParams>('properties', 'missing');
    expect(summaries(diffOf(f))).toEqual([`create ${f.params.path} (mode 0600)`, 'guest.network.device: (not set) → cloudbr1']);
  });

  it('remove on a missing file changes nothing', () => {
    const f = loadFixture<PropertiesParams>('properties', 'missing');
    f.params = properties.schema.parse({ path: f.params.path, remove: ['guest.network.device'] });
    expect(diffOf(f)).toEqual([]);
  });

  it('the commands edit on the host with every managed key, values quoted', () => {
    const f = loadFixture<PropertiesParams>('properties', 'agent');
    const script = properties.commands(diffOf(f), f.params, CTX);
    expect(script).toContain(
      "ZC_SET='private.network.device=cloudbr0\npublic.network.device=cloudbr1\nguest.network.device=cloudbr1\nnetwork.bridge.type=native' ZC_REMOVE=workers awk",
    );
    // 0600 comes from the umask the temporary file is created under: no chmod process.
    expect(script).toContain('umask 0177');
    expect(script).not.toContain('chmod 0600 "$zc_new"');
    expect(script).toContain(`mv -f "$zc_new" ${f.params.path}`);
  });
});
