import type { ModuleDoc } from '../contract.ts';

export const fileDoc: ModuleDoc = {
  summary: 'A whole file: content, mode, owner and group, or its absence.',
  description:
    'The new content is written to a temporary file in the same directory, given its mode and owner, validated, then renamed over the old one: never half-written. ' +
    'Without content (and src) only mode/owner/group are managed and a missing file is created empty. ' +
    'Without mode/owner/group an existing file keeps its own; a new file gets the umask default. ' +
    'A missing directory is created first (every new level 0755, like install -D), shown in the dry run as "create directory DIR". ' +
    'A symbolic link, directory or other non-regular file at path is an error (manage the real path instead). ' +
    'The dry run shows content changes as a unified diff; mode, owner and group changes each on their own line.',
  params: {
    path: 'absolute path of the file',
    dest: "another name for path (Ansible's copy/template write dest:); give one of the two, not both",
    state: 'present (default), absent (the file is removed) or directory (made with mkdir -p; mode/owner/group managed)',
    content: 'the exact text of the file',
    src: "a file from the role's files/ (or beside the playbook), read at compile time; instead of content",
    mode: "octal like '0644' (quote it; an unquoted 0644 is octal and works, an unquoted 644 is decimal and refused)",
    owner: 'user name or numeric uid',
    group: 'group name or numeric gid',
    backup: 'keep the replaced file as PATH.YYYYmmddTHHMMSSZ~ (UTC time of the apply on the host) (default false)',
    diff: 'false: report a content change without the unified diff (for files holding secrets zonectl does not know about) (default true)',
    validate: 'shell command run on the new file before it replaces the old one; %s is its path, e.g. "visudo -cf %s"; failure leaves the old file untouched. The dry run runs it too, on a temporary copy of the new content, and fails when it rejects it',
  },
  examples: `- name: motd
  file:
    path: /etc/motd
    content: "managed by zonectl\\n"
    mode: '0644'`,
};
