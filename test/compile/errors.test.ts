import { describe, expect, it } from 'vitest';
import { join, relative } from 'node:path';
import { compileErrors, compileFixture, FIXTURES } from './helpers.ts';

// Every message exactly as the operator sees it (after "error: ").
const errorsOf = (playbook: string): string[] => compileErrors('errors', { inventory: ['inventory.yml'], playbooks: [playbook] });

describe('compile errors: one line each, file:line:col, what is wrong (what is allowed)', () => {
  it('unknown module, with did-you-mean', () => {
    expect(errorsOf('unknown-module.yml')).toEqual(["unknown-module.yml:4:7: unknown module 'sysclt' (did you mean 'sysctl'?)"]);
  });

  it('unknown play and task keys, two modules, no module', () => {
    const errors = errorsOf('unknown-keys.yml');
    expect(errors[0]).toBe(
      "unknown-keys.yml:2:3: unknown play key 'gather_facts' (allowed: name, hosts, vars, vars_files, roles, tasks, handlers, serial, max_fail_percentage, tags)",
    );
    expect(errors[1]).toBe("unknown-keys.yml:6:7: unknown task key 'whne' (did you mean 'when'?)");
    expect(errors[2]).toBe("unknown-keys.yml:9:7: a task has exactly one module, this one has 'sysctl' and 'command' (split it into two tasks)");
    expect(errors[3]).toMatch(/^unknown-keys\.yml:10:7: task has no module \(modules: .*\bsysctl\b.*\)$/);
    expect(errors).toHaveLength(4);
  });

  it('bad parameters, located at the parameter, per host when templated', () => {
    expect(errorsOf('bad-params.yml')).toEqual([
      'bad-params.yml:6:16: sysctl.value: must be a string or number, e.g. 1 or "4096 87380 6291456"',
      "bad-params.yml:7:9: sysctl.persit: unknown parameter (did you mean 'persist'?)",
      'bad-params.yml:10:15: file.path: must be an absolute path (starting with /)',
      "bad-params.yml:16:15: file.mode: must be octal like '0644' (3 or 4 digits 0-7) on host r1",
      'bad-params.yml:18:16: command: template syntax error at "> 2000 }}" (inside {{ }}: a name, a "string", a number, or a helper call like {{ add mtu 50 }}; conditions belong in when:)',
    ]);
  });

  it('undefined variables name the variable, where it was used, and the hosts', () => {
    expect(errorsOf('undefined.yml')).toEqual([
      "undefined.yml:3:14: undefined variable 'missing_base' in the value of 'derived' (play vars) on hosts kvm01, r1",
      "undefined.yml:8:16: sysctl.value: undefined variable 'nope' on hosts kvm01, r1",
      "undefined.yml:12:16: command: undefined variable 'router_id' on host r1",
    ]);
  });

  it('a variable cycle names the chain', () => {
    expect(errorsOf('cycle.yml')).toEqual(["cycle.yml:3:8: variable 'a' refers to itself (a → b → c → a) on host kvm01 (break the cycle: one of them needs a plain value)"]);
  });

  it('bad when: the column of the bad token; undefined variables in conditions', () => {
    expect(errorsOf('bad-when.yml')).toEqual([
      'bad-when.yml:5:17: bad condition "mtu = 9000": unexpected \'=\' (operators: == != < > <= >= and or not in, is defined)',
      'bad-when.yml:10:17: bad condition "mtu >> 1": unexpected \'>\' (expected a variable, a string, a number, true/false, a [list], ( or not)',
      "bad-when.yml:13:26: condition \"mtu > 1 and router_id == 1\": undefined variable 'router_id' on hosts kvm01, r1 (guard it with 'router_id is defined')",
    ]);
  });

  it('a role that cannot be found lists where it looked', () => {
    // zonectl's own roles directory is shown relative to the working directory, like every path
    const shipped = relative(join(FIXTURES, 'errors'), '/opt/zonectl/roles/nothere');
    expect(compileErrors('errors', { inventory: ['inventory.yml'], playbooks: ['missing-role.yml'], rolesPath: ['more-roles'], projectRoles: '/opt/zonectl/roles' })).toEqual([
      `missing-role.yml:3:7: role 'nothere' not found (looked in roles/nothere, more-roles/nothere, ${shipped})`,
    ]);
  });

  it('a handler notifying one defined before it (or itself)', () => {
    const hint = 'handlers run once each, in the order they are defined: a handler can notify only handlers defined after it';
    expect(errorsOf('handler-order.yml')).toEqual([
      `handler-order.yml:10:15: handler 'restart agent' notifies 'reload config', which is defined before it (${hint})`,
      `handler-order.yml:13:15: handler 'loop' notifies itself (${hint})`,
    ]);
  });

  it('notify naming a handler that does not exist', () => {
    expect(errorsOf('notify.yml')).toEqual(["notify.yml:5:15: notify: no handler named 'restart agnet' in this play (did you mean 'restart agent'?)"]);
  });

  it('YAML errors (syntax, duplicate keys) come from the loader, located', () => {
    expect(errorsOf('syntax.yml')).toEqual(['syntax.yml:5:7: duplicate key "name" (a key may appear only once in a mapping)']);
    expect(errorsOf('yaml-syntax.yml')).toEqual(['yaml-syntax.yml:5:1: invalid YAML: unexpected end of the stream within a double quoted scalar']);
  });

  it('loop must give a list', () => {
    expect(errorsOf('loop.yml')).toEqual(['loop.yml:5:13: loop: expected a list, got 9000 on host kvm01 (e.g. loop: "{{ groups.hypervisors }}" or a YAML list)']);
  });

  it('several playbooks: every error at once', () => {
    const errors = compileErrors('errors', { inventory: ['inventory.yml'], playbooks: ['notify.yml', 'unknown-module.yml'] });
    expect(errors).toEqual([
      "notify.yml:5:15: notify: no handler named 'restart agnet' in this play (did you mean 'restart agent'?)",
      "unknown-module.yml:4:7: unknown module 'sysclt' (did you mean 'sysctl'?)",
    ]);
  });

  it('a play that matches no hosts is a warning, not an error', () => {
    const result = compileFixture('errors', { inventory: ['inventory.yml'], playbooks: ['nohosts.yml'] });
    expect(result.warnings.map((w) => w.format())).toEqual(["nohosts.yml:2:10: play 'switches' matches no hosts"]);
    expect(Object.keys(result.plan.hosts)).toEqual(['kvm01']);
  });

  it('--limit that matches nothing, no playbook, missing playbook file', () => {
    expect(compileErrors('errors', { inventory: ['inventory.yml'], playbooks: ['nohosts.yml'], limit: 'sw*' })).toEqual([
      "--limit 'sw*' matches no hosts (a host, a group, a glob like kvm*, or a:b, a:&b, a:!b)",
    ]);
    expect(compileErrors('errors', { inventory: ['inventory.yml'], playbooks: [] })).toEqual(['no playbook given (name one or more playbook files)']);
    expect(compileErrors('errors', { inventory: ['inventory.yml'], playbooks: ['nope.yml'] })).toEqual(['cannot read nope.yml: no such file']);
  });

  it('an error inside a template file points into the template file', () => {
    expect(errorsOf('template-file.yml')).toEqual(["roles/badtemplate/templates/broken.hbs:2:26: undefined variable 'gateway' on host kvm01"]);
  });

  it('a src that cannot be found lists where it looked', () => {
    expect(errorsOf('missing-src.yml')).toEqual(['missing-src.yml:6:14: file.src: nothere.txt not found on host kvm01 (looked in files/nothere.txt, nothere.txt)']);
  });

  it('role and vars files of the wrong shape, or missing', () => {
    expect(errorsOf('role-shape.yml')).toEqual(['roles/badvars/defaults/main.yml:1:1: defaults/main.yml must be a mapping of name: value']);
    expect(errorsOf('vars-files.yml')).toEqual(['vars-files.yml:3:7: vars file vars/nothere.yml not found (looked for vars/nothere.yml)']);
  });

  it('handlers: unique names, a name is required; listen topics count as names', () => {
    expect(errorsOf('handlers.yml')).toEqual([
      "handlers.yml:8:7: handler 'restart a' is defined twice (first at handlers.yml:6:7; handler names must be unique in a play)",
      'handlers.yml:10:7: a handler needs a name (tasks notify handlers by name)',
    ]);
  });

  it('playbook and play shapes', () => {
    expect(errorsOf('shape.yml')).toEqual(['shape.yml:1:1: a playbook must be a list of plays (each play has hosts: and tasks: or roles:)']);
    expect(errorsOf('play-shape.yml')).toEqual([
      'play-shape.yml:1:3: a play must be a mapping (with hosts: and tasks: or roles:)',
      'play-shape.yml:3:11: serial must be a host count, a percentage or a list of them (e.g. serial: 2, serial: "25%", serial: [1, "50%"])',
      'play-shape.yml:4:24: max_fail_percentage must be a number from 0 to 100',
      'play-shape.yml:7:15: notify must be a name or a list of names',
      'play-shape.yml:8:13: loop must be a list or a template giving one (e.g. loop: "{{ groups.hypervisors }}")',
    ]);
  });

  it('Ansible keywords zonectl does not have say what to do instead', () => {
    expect(errorsOf('ansible-only.yml')).toEqual([
      "ansible-only.yml:4:7: 'block' is an Ansible keyword zonectl does not support (list the tasks directly; use when: on each)",
      "ansible-only.yml:8:7: 'with_items' is an Ansible keyword zonectl does not support (use loop:)",
    ]);
  });
});
