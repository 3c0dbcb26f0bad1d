import type { ModuleDoc } from '../contract.ts';

export const templateDoc: ModuleDoc = {
  summary: "A file rendered with handlebars from the role's templates/ at compile time, then written as the file module does.",
  description:
    'Rendering happens when the plan is compiled (no host access): the plan holds the rendered text, so a dry run, a saved plan and the apply all use the same bytes. ' +
    'Secrets stay placeholders until the engine sends the script. Everything else (atomic write, mode/owner, validate, backup, diffs) is exactly the file module.',
  params: {
    src: "template file name under the role's templates/ (or beside the playbook)",
    dest: 'absolute path of the file on the host',
    mode: "octal like '0644'",
    owner: 'user name or numeric uid',
    group: 'group name or numeric gid',
    backup: 'keep the replaced file as DEST.YYYYmmddTHHMMSSZ~ (default false)',
    validate: 'shell command run on the new file before it replaces the old one; %s is its path',
    diff: 'false: report a content change without the unified diff (default true)',
  },
  examples: `- name: frr daemons
  template:
    src: daemons.hbs
    dest: /etc/frr/daemons
    mode: '0640'
    owner: frr
    group: frr`,
};
