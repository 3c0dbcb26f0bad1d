/**
 * The benchmark's table: repeated runs are reported by their median run,
 * with the spread of every repetition, and the ratio to the floor uses the
 * medians. Synthetic numbers: this tests the rendering, not the machine.
 */
import { describe, expect, it } from 'vitest';
import type { RunMeasure, SizeResult } from '../../bench/engine.ts';
import { renderMarkdown, type BenchResults } from '../../bench/report.ts';

const run = (wallSeconds: number, walls?: number[]): RunMeasure => ({
  wallSeconds,
  runSeconds: wallSeconds - 0.2,
  cpuSeconds: 0.5,
  peakRssMb: 90,
  sessionsPerHost: 1,
  changedPerHost: 0,
  failedHosts: 0,
  ...(walls ? { walls } : {}),
});

function results(size: SizeResult): BenchResults {
  return {
    formatVersion: 1,
    date: '2026-11-21T00:00:00.000Z',
    commit: 'abc1234',
    machine: { cpu: 'test', cores: 2, memoryGb: 24, kernel: '6', node: 'v20', load: { start: 0, max: 1, mean: 0.5, end: 0 } },
    engine: { labUpSeconds: 1, tasksPerNode: 40, sizes: [size] },
    notRun: [],
  };
}

describe('benchmark report', () => {
  it('shows the median run with the range of the repetitions, and the floor ratio of the medians', () => {
    const md = renderMarkdown(
      results({
        nodes: 10,
        repeats: 3,
        floor: { wallSeconds: 0.4, connectSeconds: 0.25, cpuSeconds: 0.2, peakRssMb: 60, execsPerHost: 1, walls: [0.5, 0.4, 0.38] },
        zonectl: { apply: run(1.3, [1.3, 1.2, 1.5]), check: run(0.56, [0.6, 0.56, 0.52]), drift: run(0.6, [0.6, 0.61, 0.58]) },
      }),
    );
    expect(md).toContain('measured 3 times');
    expect(md).toContain('| 10 | floor: 10 ssh2 connections, one no-op each | 0.40 s (connect+exec 0.25 s; range 0.38–0.50 s) |');
    expect(md).toContain('| 10 | no-change check | 0.56 s (run 0.36 s; range 0.52–0.60 s) |');
    expect(md).toContain('| 10 | no-change check / floor | 1.40× (run/connect+exec: 1.44×) |');
  });

  it('a single run has no range and no word about repetitions', () => {
    const md = renderMarkdown(
      results({
        nodes: 1,
        repeats: 1,
        floor: { wallSeconds: 0.3, connectSeconds: 0.1, cpuSeconds: 0.2, peakRssMb: 60, execsPerHost: 1 },
        zonectl: { apply: run(0.8), check: run(0.4), drift: run(0.4) },
      }),
    );
    expect(md).not.toContain('range');
    expect(md).not.toContain('measured');
    expect(md).toContain('| 1 | no-change check | 0.40 s (run 0.20 s) |');
  });
});
