/**
 * properties for real: probe → diff → commands → probe again through /bin/sh
 * (dash, and the system awk) on an agent.properties in a temp dir.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { editKeyLines } from '../../src/modules/properties/key-lines.ts';
import type { PropertiesParams } from '../../src/modules/properties/schema.ts';
import { moduleNamed, summaries } from './fixture.ts';
import { applyChanges, check, converge } from './local-run.ts';

const properties = moduleNamed<PropertiesParams>('properties');
const dir = mkdtempSync(join(tmpdir(), 'zc-h6-props-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, 'agent.properties');
const params = (input: Record<string, unknown>): PropertiesParams => properties.schema.parse({ path, ...input });
const read = (): string => readFileSync(path, 'utf8');
const modeOf = (): string => (statSync(path).mode & 0o7777).toString(8).padStart(4, '0');

const AGENT = [
  '#Storage',
  '#Sat Nov 21 10:00:00 UTC 2026',
  'guid=6f1d8c8e',
  'workers=5',
  '',
  '! device names',
  'private.network.device=cloudbr0',
  'public.network.device = cloudbr0',
  'guest.network.device: cloudbr0',
  'keystore.passphrase=s3cr3tPass',
  'guest.network.device=cloudbr0',
  'zone=1',
  '',
].join('\n');

const DEVICES = { 'private.network.device': 'cloudbr0', 'public.network.device': 'cloudbr1', 'guest.network.device': 'cloudbr1', 'network.bridge.type': 'native' };

describe('properties through /bin/sh and awk', () => {
  beforeEach(() => {
    writeFileSync(path, AGENT);
    chmodSync(path, 0o644);
  });

  it('converges, keeping comments, order and every unmanaged key', () => {
    const { first, second } = converge(properties, params({ set: DEVICES, remove: ['workers'], mode: '0600' }));
    expect(summaries(first)).toEqual([
      'public.network.device: cloudbr0 → cloudbr1',
      'guest.network.device: cloudbr0 → cloudbr1',
      'network.bridge.type: (not set) → native',
      'workers: 5 → (removed)',
      `mode of ${path}: 0644 → 0600`,
    ]);
    expect(second).toEqual([]);
    expect(read()).toBe(
      [
        '#Storage',
        '#Sat Nov 21 10:00:00 UTC 2026',
        'guid=6f1d8c8e',
        '',
        '! device names',
        'private.network.device=cloudbr0',
        'public.network.device = cloudbr1',
        'guest.network.device: cloudbr1',
        'keystore.passphrase=s3cr3tPass',
        'guest.network.device=cloudbr1',
        'zone=1',
        'network.bridge.type=native',
        '',
      ].join('\n'),
    );
    expect(modeOf()).toBe('0600');
  });

  it('the dry run predicted exactly the bytes the host wrote', () => {
    const p = params({ set: DEVICES, remove: ['workers'] });
    const before = read();
    converge(properties, p);
    expect(read()).toBe(editKeyLines(before, 'java', { set: Object.entries(p.set), remove: p.remove }));
  });

  it('detects and repairs a value changed by hand on one duplicate line', () => {
    const p = params({ set: DEVICES });
    converge(properties, p);
    writeFileSync(path, read().replace('guest.network.device: cloudbr1', 'guest.network.device: cloudbr0'));
    const { first, second } = converge(properties, p);
    expect(summaries(first)).toEqual(['guest.network.device: duplicate line 9 has cloudbr0 → cloudbr1']);
    expect(second).toEqual([]);
    expect(read()).toContain('guest.network.device: cloudbr1\n');
  });

  it('two tasks on one file in one apply each keep their keys', () => {
    const a = params({ set: { 'guest.network.device': 'cloudbr1' } });
    const b = params({ set: { 'libvirt.vif.driver': 'com.cloud.hypervisor.kvm.resource.OvsVifDriver' } });
    const changesA = check(properties, a);
    const changesB = check(properties, b);
    expect(applyChanges(properties, a, changesA).exitCode).toBe(0);
    expect(applyChanges(properties, b, changesB).exitCode).toBe(0);
    expect(check(properties, a)).toEqual([]);
    expect(check(properties, b)).toEqual([]);
  });

  it('keeps CRLF line endings', () => {
    writeFileSync(path, AGENT.replace(/\n/g, '\r\n'));
    const { second } = converge(properties, params({ set: { 'guest.network.device': 'cloudbr1', 'network.bridge.type': 'native' } }));
    expect(second).toEqual([]);
    expect(read()).toBe(
      AGENT.replace(/guest\.network\.device(.)(\s?)cloudbr0/g, 'guest.network.device$1$2cloudbr1').replace(/\n/g, '\r\n') + 'network.bridge.type=native\r\n',
    );
  });

  it('creates a missing file with mode 0600', () => {
    rmSync(path);
    const { first, second } = converge(properties, params({ set: { 'guest.network.device': 'cloudbr1' } }));
    expect(summaries(first)).toEqual([`create ${path} (mode 0600)`, 'guest.network.device: (not set) → cloudbr1']);
    expect(second).toEqual([]);
    expect(read()).toBe('guest.network.device=cloudbr1\n');
    expect(modeOf()).toBe('0600');
  });

  it('creates a missing directory first, each new level 0755 like install -D, as the dry run says', () => {
    const nested = join(dir, 'etc-x', 'agent');
    const file = join(nested, 'agent.properties');
    const p = properties.schema.parse({ path: file, set: { zone: '1' } });
    const { first, second } = converge(properties, p);
    expect(summaries(first)).toEqual([`create directory ${nested}`, `create ${file} (mode 0600)`, 'zone: (not set) → 1']);
    expect(second).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('zone=1\n');
    for (const d of [join(dir, 'etc-x'), nested]) expect((statSync(d).mode & 0o7777).toString(8)).toBe('755');
    expect((statSync(file).mode & 0o7777).toString(8)).toBe('600');
  });

  it('keeps the mode of an existing file when none is given', () => {
    chmodSync(path, 0o640);
    converge(properties, params({ set: { zone: '2' } }));
    expect(modeOf()).toBe('0640');
  });

  it('a failing validate leaves the file untouched', () => {
    const p = params({ set: { zone: '2' }, validate: 'grep -q ^zone=3 %s' });
    const out = applyChanges(properties, p, check(properties, p));
    expect(out.exitCode).not.toBe(0);
    expect(out.stderr).toContain('zonectl: validate failed');
    expect(read()).toBe(AGENT);
    expect(existsSync(path)).toBe(true);
  });
});

