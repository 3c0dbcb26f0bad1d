import { describe, expect, it } from 'vitest';
import { benchCompile } from '../../bench/compile.ts';

// The benchmark itself (2000 hosts x 40 tasks) runs with `node --import tsx bench/compile.ts`;
// here a small run checks that it generates, compiles and measures (no timing is asserted).
describe('bench/compile.ts', () => {
  it('compiles a generated inventory and playbook and reports figures', async () => {
    const result = await benchCompile(30, 8);
    expect(result.seconds).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeGreaterThan(0);
  });
});
