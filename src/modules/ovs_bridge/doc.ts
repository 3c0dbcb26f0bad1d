import type { ModuleDoc } from '../contract.ts';

export const ovsBridgeDoc: ModuleDoc = {
  summary: 'An Open vSwitch bridge: datapath type, fail mode, STP and owned other_config/external_ids keys.',
  description: [
    'Creates the bridge (`--may-exist add-br`) and sets only the columns given; a column left out is left alone.',
    'In other_config and external_ids only the listed keys are managed: a value sets the key, null removes it, other keys stay untouched.',
    'All of a task\'s changes run as one ovs-vsctl transaction (all or nothing). `state: absent` deletes the bridge with its ports.',
    'Changing fail_mode or datapath_type of an existing bridge makes Open vSwitch delete every flow on it; zonectl dumps the flows first and adds them back in one bundle (as ovs-save does), except OVS\'s own `priority=0 actions=NORMAL` standalone flow.',
    'A host without a running Open vSwitch fails the task with a clear message at probe time: start openvswitch-switch first (service module).',
  ].join('\n'),
  params: {
    name: 'bridge name (≤ 15 characters: letters, digits, _ . -)',
    state: 'present (default) or absent',
    datapath_type: 'system (kernel datapath) or netdev (userspace datapath); left alone when omitted',
    fail_mode: 'standalone or secure; left alone when omitted',
    stp: 'true/false: Spanning Tree on the bridge (stp_enable); left alone when omitted',
    other_config: 'map of keys to manage (value sets, null removes); other keys left alone',
    external_ids: 'map of keys to manage (value sets, null removes); other keys left alone',
  },
  examples: [
    '- name: guest bridge',
    '  ovs_bridge:',
    '    name: cloudbr1',
    '    datapath_type: system',
    '    fail_mode: standalone',
    '    external_ids: { zone: zone1 }',
  ].join('\n'),
};
