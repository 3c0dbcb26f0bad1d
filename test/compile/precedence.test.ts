import { describe, expect, it } from 'vitest';
import { compileFixture } from './helpers.ts';

// Each p_<level> is set at its level and every lower one (see the fixture's
// README), so the value seen names the highest level that set it.
describe('variable precedence', () => {
  it('role defaults < all < parent group < child group < host < play vars < vars_files < role vars < role params < task vars < -e', () => {
    const { plan } = compileFixture('precedence', { extraVars: { p_extra: 'extra' } });
    const [roleTask, playTask] = plan.hosts.kvm01?.plays[0]?.tasks ?? [];
    expect(roleTask?.params.run).toBe('default all parent child host play varsfile rolevars roleparam task extra');
    // role defaults, role vars and role params belong to the role's own tasks
    expect(playTask?.params.run).toBe('none play varsfile varsfile');
  });

  it('without -e, task vars are the highest level', () => {
    const { plan } = compileFixture('precedence');
    expect(plan.hosts.kvm01?.plays[0]?.tasks[0]?.params.run).toBe('default all parent child host play varsfile rolevars roleparam task task');
  });
});
