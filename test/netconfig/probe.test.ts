/**
 * The shared network probe: its text is read-only shell that runs here for
 * real, and its framing survives file content that looks like a frame.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { netProbe, parseNetProbe } from '../../src/netconfig/probe.ts';
import { findManagement, routeToward } from '../../src/netconfig/management.ts';
import { fixtureProbe } from './fixture-probe.ts';
import { runContext } from './netns-host.ts';

const dir = mkdtempSync(join(tmpdir(), 'zc-h7-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netProbe', () => {
  it('runs on this machine and parses (files with and without a final newline, a forged frame line)', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, 'one\n@@zonectl-net links\n\nlast\n');
    writeFileSync(b, 'no newline');
    const request = { files: [a, b, join(dir, 'missing')], tools: ['sh', 'zc-h7-no-such-tool'], vlanSupport: true };
    const r = spawnSync('sh', ['-c', netProbe(request)], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const probe = parseNetProbe(r.stdout, request);
    expect(probe.files.get(a)).toBe('one\n@@zonectl-net links\n\nlast\n');
    expect(probe.files.get(b)).toBe('no newline');
    expect(probe.files.get(join(dir, 'missing'))).toBeNull();
    expect([...probe.tools]).toEqual(['sh']);
    expect(probe.state.links.some((l) => l.name === 'lo')).toBe(true);
    expect(probe.vlanSupport).not.toBeNull();
  });
});

describe('management', () => {
  it('finds the device of the management address and the route the controller is reached by', () => {
    const probe = fixtureProbe({ ssh: '203.0.113.9 50022 192.0.2.10 22' });
    const m = findManagement(probe, runContext({ managementAddress: 'kvm01.example.net' }));
    expect(m).toMatchObject({ address: '192.0.2.10', device: 'br0' });
    // 203.0.113.0/24 via 192.0.2.1 metric 50 is more specific than the default route.
    expect(m.route).toMatchObject({ to: '203.0.113.0/24', via: '192.0.2.1' });
  });

  it('without SSH_CONNECTION (sudo) protects the default route of the management family', () => {
    const m = findManagement(fixtureProbe(), runContext({ managementAddress: '192.0.2.10' }));
    expect(m.route).toMatchObject({ to: 'default', via: '192.0.2.1', table: '254' });
  });

  it('an on-link controller is reached by the subnet route, which is protected too', () => {
    // Regression: it was "needs no route", so `route: {to: <mgmt subnet>, state: absent}` deleted it and cut the controller off.
    const probe = fixtureProbe({ ssh: '192.0.2.77 50022 192.0.2.10 22' });
    expect(findManagement(probe, runContext({ managementAddress: '192.0.2.10' })).route).toMatchObject({ to: '192.0.2.0/24', via: null });
    expect(routeToward(probe.state.routes, '192.0.2.77')).toMatchObject({ to: '192.0.2.0/24', via: null });
  });
});
