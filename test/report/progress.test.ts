/**
 * Progress drawing: listr2 lines per host (or one summary line for many
 * hosts) on stderr, finished cleanly even for hosts that never reported.
 * Off a terminal listr2 falls back to its line renderer, which is what we
 * can observe here.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_HOST_LINES, terminalProgress } from '../../src/report/progress.ts';

let err = '';
let out = '';
beforeEach(() => {
  err = '';
  out = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
});
afterEach(() => vi.restoreAllMocks());

describe('terminal progress', () => {
  it('one line per host, failures marked, on stderr only', async () => {
    const p = terminalProgress(['kvm01', 'kvm02', 'kvm03'], 'check');
    p.onProgress({ host: 'kvm01', phase: 'connect' });
    p.onProgress({ host: 'kvm01', phase: 'probe', play: { index: 0, name: 'basics' } });
    p.onProgress({ host: 'kvm01', phase: 'done', status: 'changed' });
    p.onProgress({ host: 'kvm02', phase: 'done', status: 'unreachable' });
    await p.finish(); // kvm03 never reported: finish must not hang
    expect(out).toBe('');
    expect(err).toContain('kvm01: changes pending');
    expect(err).toContain('kvm02: unreachable');
    expect(err).toContain('kvm03: skipped');
  });

  it('many hosts: one summary line', async () => {
    const hosts = Array.from({ length: MAX_HOST_LINES + 1 }, (_, i) => `h${i}`);
    const p = terminalProgress(hosts, 'apply');
    for (const h of hosts) p.onProgress({ host: h, phase: 'done', status: h === 'h0' ? 'failed' : 'ok' });
    await p.finish();
    expect(out).toBe('');
    expect(err).toContain(`${hosts.length}/${hosts.length} hosts done`);
    expect(err).not.toContain('h7:');
  });
});
