import type { ModuleDoc } from '../contract.ts';

export const arpingDoc: ModuleDoc = {
  summary: 'Send a gratuitous ARP for an address (arping -U), so neighbours and the gateway learn at once where it lives now.',
  description:
    'An action, not a state: it runs every time its task runs, so use it as a handler notified by the address task that moved the address. ' +
    'Needs iputils arping (Debian package iputils-arping); IPv4 only.',
  params: {
    address: 'the IPv4 address to announce (a CIDR like 10.0.0.5/24 is accepted)',
    dev: 'interface that carries it',
    gateway: 'address to send the ARP to (default: the announced address itself, a pure announcement)',
    count: 'number of ARPs to send, 1-10 (default 1)',
  },
  examples: `handlers:
  - name: announce management address
    arping:
      address: 10.0.0.5
      dev: cloudbr0
      gateway: 10.0.0.1`,
};
