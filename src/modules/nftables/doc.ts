import type { ModuleDoc } from '../contract.ts';

export const nftablesDoc: ModuleDoc = {
  summary: 'One nftables table zonectl owns: compared by meaning, replaced in one transaction, loaded at boot.',
  description:
    'zonectl owns the whole table it names and never touches other tables (libvirt, Docker, the CloudStack agent keep their own). ' +
    'Both sides are compared as nft itself lists them (`nft -s list table`): the desired body is loaded into a private, throwaway network namespace ' +
    '(`unshare --net`) during the probe, so formatting, comments, `priority 0` vs `priority filter` and counters never count as changes, ' +
    'while a rule added, removed or edited by hand does, and is shown as a diff. A body nft rejects fails the task with nft\'s own message, and nothing is touched. ' +
    'Apply checks the transaction (`nft -c -f`) and loads it in one `nft -f`: `table F N {}` / `delete table F N` / the new table. ' +
    'With persist (default) the same transaction is kept in persist_dir/zonectl-FAMILY-NAME.nft, and include_from gets one `include` line for those files ' +
    '(appended once; the operator\'s lines are kept; a missing file is created with `#!/usr/sbin/nft -f`, never `flush ruleset`). ' +
    'Needs root on the host (become) and util-linux `unshare`.',
  params: {
    family: 'ip, ip6, inet, bridge, arp or netdev',
    table: 'the table name (letters, digits, _ -), e.g. ip4_firewall',
    state: 'present (default) or absent (the table and its persisted file are removed)',
    content: 'the table body in nft syntax: what goes inside `table FAMILY NAME { … }` (chains, sets, maps), without the table statement',
    src: "a handlebars template with the body, from the role's templates/ (or beside the playbook), rendered at compile time; instead of content",
    persist: 'also load the table at boot (default true)',
    persist_dir: 'directory of the per-table files (default /etc/nftables.d)',
    include_from: 'the file nftables reads at boot, which gets the include line (default /etc/nftables.conf)',
  },
  examples: `- name: hypervisor firewall
  nftables:
    family: inet
    table: zonectl_host
    src: host-firewall.nft.hbs
- name: old table gone
  nftables:
    family: ip
    table: legacy
    state: absent`,
};
