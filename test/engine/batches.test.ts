import { describe, expect, it } from 'vitest';
import { batchStopReason, serialBatches } from '../../src/engine/batches.ts';
import { notifiedHandlers, unknownNotifications } from '../../src/engine/handlers.ts';
import { exitCodeOf, totalsOf } from '../../src/engine/outcome.ts';
import type { HostOutcome, HostStatus, RunOutcome } from '../../src/engine/types.ts';

const hosts = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);

describe('serialBatches (Ansible serial)', () => {
  it('no serial: one batch of every host', () => {
    expect(serialBatches(hosts, null)).toEqual([hosts]);
    expect(serialBatches(hosts, 0)).toEqual([hosts]);
    expect(serialBatches([], 3)).toEqual([]);
  });
  it('a count', () => {
    expect(serialBatches(hosts, 3).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(serialBatches(hosts, '4').map((b) => b.length)).toEqual([4, 4, 2]);
  });
  it('a percentage of the play\'s hosts, rounded down, at least 1', () => {
    expect(serialBatches(hosts, '30%').map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(serialBatches(hosts, '5%').map((b) => b.length)).toEqual(Array(10).fill(1));
  });
  it('a list used in turn, the last repeating', () => {
    expect(serialBatches(hosts, [1, 2, '50%']).map((b) => b.length)).toEqual([1, 2, 5, 2]);
    expect(serialBatches(hosts, [1, 2, '50%'])[0]).toEqual(['h1']);
  });
});

describe('batchStopReason (max_fail_percentage)', () => {
  it('goes on while failures stay at or under the percentage', () => {
    expect(batchStopReason(0, 4, 0)).toBeUndefined();
    expect(batchStopReason(1, 4, 25)).toBeUndefined();
    expect(batchStopReason(1, 4, null)).toBeUndefined();
  });
  it('stops when more than the percentage failed', () => {
    expect(batchStopReason(2, 4, 25)).toContain('more than max_fail_percentage 25%');
    expect(batchStopReason(1, 4, 0)).toContain('1 of 4');
  });
  it('stops when every host of a batch failed, as Ansible does', () => {
    expect(batchStopReason(3, 3, null)).toContain('every host of the batch failed');
  });
});

describe('handlers', () => {
  const handlers = [{ name: 'reload nft' }, { name: 'restart frr' }, { name: 'restart agent' }];
  it('run once each, in definition order, only when a notifying task changed', () => {
    const order = notifiedHandlers(
      [
        { notify: ['restart agent', 'restart frr'], changed: true },
        { notify: ['restart frr'], changed: true },
        { notify: ['reload nft'], changed: false },
      ],
      handlers,
    );
    expect(order).toEqual([1, 2]);
  });
  it('a handler that runs and changes something notifies the handlers after it', () => {
    const chain = [{ name: 'a', notify: ['c'] }, { name: 'b', notify: [] }, { name: 'c', notify: [] }, { name: 'd', notify: [] }];
    const tasks = [{ notify: ['a'], changed: true }];
    expect(notifiedHandlers(tasks, chain, (i) => i === 0)).toEqual([0, 2]);
    // a ran but changed nothing: it notifies nobody.
    expect(notifiedHandlers(tasks, chain, () => false)).toEqual([0]);
  });

  it('lists notifications that name no handler', () => {
    const t = { id: '0.0', name: 't', module: 'm', params: {}, notify: ['nope', 'restart frr'], tags: [], source: 's' };
    expect(unknownNotifications([t], [{ ...t, name: 'restart frr', notify: [] }])).toEqual(['nope']);
  });
});

function host(status: HostStatus): HostOutcome {
  return { host: status, status, plays: [], recap: { ok: 1, changed: status === 'changed' ? 1 : 0, failed: 0, unreachable: 0, skipped: 2 }, execCount: 1 };
}
function outcome(mode: 'check' | 'apply', ...statuses: HostStatus[]): RunOutcome {
  return { mode, hosts: statuses.map(host), elapsedSeconds: 0 };
}

describe('exit codes', () => {
  it('check: 0 in sync, 2 changes pending, 1 any failure', () => {
    expect(exitCodeOf(outcome('check', 'ok', 'ok'))).toBe(0);
    expect(exitCodeOf(outcome('check', 'ok', 'changed'))).toBe(2);
    expect(exitCodeOf(outcome('check', 'changed', 'unreachable'))).toBe(1);
    expect(exitCodeOf(outcome('check', 'changed', 'failed'))).toBe(1);
    expect(exitCodeOf(outcome('check', 'ok', 'stale'))).toBe(1);
  });
  it('apply: 0 ok, 1 any failure or a stopped run', () => {
    expect(exitCodeOf(outcome('apply', 'ok', 'changed'))).toBe(0);
    expect(exitCodeOf(outcome('apply', 'changed', 'failed'))).toBe(1);
    expect(exitCodeOf({ ...outcome('apply', 'changed', 'skipped'), aborted: 'stopped' })).toBe(1);
  });
  it('totals sum the hosts\' recaps', () => {
    expect(totalsOf(outcome('check', 'ok', 'changed'))).toEqual({ ok: 2, changed: 1, failed: 0, unreachable: 0, skipped: 4 });
  });
});
