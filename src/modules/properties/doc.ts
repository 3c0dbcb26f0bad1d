import type { ModuleDoc } from '../contract.ts';

export const propertiesDoc: ModuleDoc = {
  summary: 'Keys in a Java-style key=value file (CloudStack agent.properties), leaving everything else alone.',
  description:
    'Reads lines as java.util.Properties does: `key=value`, `key = value`, `key: value` and `key value`; `#` and `!` start comments; ' +
    'a line ending in an odd number of backslashes continues on the next. ' +
    'Comments, blank lines, order, line endings (CRLF kept) and every key not managed stay as they are. ' +
    'A key already present is updated in place (keeping its separator style); a key set on several lines (Java takes the last) is updated on every line; ' +
    'missing keys are added at the end as key=value. remove deletes every line of a key. ' +
    'Values are written verbatim (no escaping); a rewritten file always ends with a newline. ' +
    'A missing file is created (mode default 0600), and a missing directory first (`create directory DIR`, new levels 0755 like install -D). Several tasks can manage different keys of one file in one run: each edits the file as it is when its turn comes. ' +
    'The dry run shows only the managed keys that change: `guest.network.device: cloudbr0 → cloudbr1`.',
  params: {
    path: 'absolute path of the properties file',
    set: 'keys to set: {key: value}',
    remove: 'keys to delete (every occurrence)',
    mode: "octal like '0600'; an existing file keeps its mode when omitted, a new one gets 0600",
    owner: 'user name or numeric uid',
    group: 'group name or numeric gid',
    validate: 'shell command run on the new file before it replaces the old one; %s is its path',
  },
  examples: `- name: agent devices
  properties:
    path: /etc/cloudstack/agent/agent.properties
    mode: '0600'
    set:
      guest.network.device: cloudbr1
      network.bridge.type: native
  notify: restart cloudstack-agent`,
};
