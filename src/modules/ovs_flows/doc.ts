import type { ModuleDoc } from '../contract.ts';

export const ovsFlowsDoc: ModuleDoc = {
  summary: 'The OpenFlow flows under one cookie on an Open vSwitch bridge, replaced atomically.',
  description: [
    'zonectl owns exactly the flows whose cookie equals `cookie`: flows under other cookies (the default cookie 0,',
    'CloudStack\'s, another task\'s) are never removed or changed. When anything differs, every flow under the cookie',
    'is replaced in ONE OpenFlow bundle (`ovs-ofctl --bundle add-flows`: delete cookie=C/-1, then add each flow), so',
    'the switch never runs a half-updated table; the owned flows\' packet counters restart then.',
    'Flows are compared the way ovs-ofctl prints them: statistics ignored, match fields in any order, default',
    'priority 32768, zero timeouts, protocol shorthands (ip, tcp…), port names or numbers, NORMAL in any case.',
    'An add replaces a flow with the same match and priority under another cookie (OpenFlow semantics): keep owned',
    'matches distinct. Bundles need OpenFlow 1.4, which Open vSwitch enables unless the bridge\'s protocols exclude it.',
  ].join('\n'),
  params: {
    bridge: 'the bridge',
    cookie: 'the non-zero cookie zonectl owns on this bridge (number or hex string, e.g. 0x5a430001)',
    flows: 'ovs-ofctl flow strings without cookie=, e.g. priority=100,in_port=eth1,dl_vlan=100,actions=strip_vlan,NORMAL; [] removes every owned flow',
  },
  examples: [
    '- name: drop DHCP servers on guest ports',
    '  ovs_flows:',
    '    bridge: cloudbr1',
    '    cookie: 0x5a430010',
    '    flows:',
    '      - priority=2000,udp,in_port=vnet0,tp_src=67,actions=drop',
  ].join('\n'),
};
