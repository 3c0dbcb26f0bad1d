import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileFixture, FIXTURES } from './helpers.ts';

describe('role search', () => {
  it('finds roles beside the playbook, in --roles-path and in zonectl roles; beside the playbook wins', () => {
    const { plan } = compileFixture('rolesearch', {
      inventory: ['inventory.yml'],
      playbooks: ['playbooks/site.yml'],
      rolesPath: ['extra-roles'],
      projectRoles: join(FIXTURES, 'rolesearch', 'shipped'),
    });
    expect(plan.hosts.kvm01?.plays[0]?.tasks.map((t) => [t.id, t.name, t.params.run, t.source])).toEqual([
      ['1.1', 'beside from playbooks/roles', 'echo beside', 'playbooks/roles/beside/tasks/main.yml:1'],
      ['1.2', 'frompath from extra-roles', 'echo frompath', 'extra-roles/frompath/tasks/main.yml:1'],
      ['1.3', 'shipped from shipped', 'echo shipped', 'shipped/shipped/tasks/main.yml:1'],
      ['1.4', 'overridden from playbooks/roles', 'echo overridden', 'playbooks/roles/overridden/tasks/main.yml:1'],
    ]);
  });

  it('the default zonectl roles directory is the package roles/', async () => {
    const { PROJECT_ROLES } = await import('../../src/playbook/roles.ts');
    expect(PROJECT_ROLES).toBe(new URL('../../roles', import.meta.url).pathname);
  });
});
