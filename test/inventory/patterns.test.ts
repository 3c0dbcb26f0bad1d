/** Host patterns as Ansible reads them (docs: "Patterns: targeting hosts and groups"). */
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/index.ts';
import { splitHostPattern } from '../../src/inventory/patterns.ts';
import { userErrorLines } from './helpers.ts';

const inv = loadInventory(['test/fixtures/inventory/ansible/zone-yaml/hosts.yml'], { localUser: 'tester' });
const KVM = ['kvm01', 'kvm02', 'kvm03', 'kvm10'];
const ALL = ['bastion.example.net', ...KVM, 'rtr-a', 'rtr-b', 'tora', 'torb'];

describe('host patterns', () => {
  it.each([
    ['all', ALL],
    ['*', ALL],
    ['hypervisors', KVM],
    ['rtr-a', ['rtr-a']],
    ['ungrouped', ['bastion.example.net']],
    ['kvm0*', ['kvm01', 'kvm02', 'kvm03']],
    ['kvm0?', ['kvm01', 'kvm02', 'kvm03']],
    ['*.example.net', ['bastion.example.net']],
    ['tor[ab]', ['tora', 'torb']],
    ['tor[!a]', ['torb']],
    ['~kvm0[12]', ['kvm01', 'kvm02']],
    ['~(rtr|tor)', ['rtr-a', 'rtr-b', 'tora', 'torb']],
    ['hypervisors:routers', [...KVM, 'rtr-a', 'rtr-b']],
    ['routers,hypervisors', [...KVM, 'rtr-a', 'rtr-b']],
    ['routers:kvm01', ['kvm01', 'rtr-a', 'rtr-b']],
    ['zone1:&edge', [...KVM, 'rtr-a']],
    ['zone1:!hypervisors', ['rtr-a', 'rtr-b']],
    ['!hypervisors', ['bastion.example.net', 'rtr-a', 'rtr-b', 'tora', 'torb']],
    ['&routers', ['rtr-a', 'rtr-b']],
    // Unions first, then intersections, then exclusions, wherever they are written.
    ['!hypervisors:edge', ['rtr-a']],
    ['edge:&routers:hypervisors', ['rtr-a']],
    ['zone1:!rtr-b:&edge', [...KVM, 'rtr-a']],
    ['hypervisors[0]', ['kvm01']],
    ['hypervisors[-1]', ['kvm10']],
    ['hypervisors[1:2]', ['kvm02', 'kvm03']],
    ['hypervisors[1:]', ['kvm02', 'kvm03', 'kvm10']],
    ['nothing', []],
    ['nothing:kvm01', ['kvm01']],
    ['', ALL],
  ])('%s', (pattern, hosts) => {
    expect(inv.match(pattern)).toEqual(hosts);
  });

  it('splits patterns as Ansible: commas, else colons outside brackets, but not inside an address', () => {
    expect(splitHostPattern('a:b:&c:!d')).toEqual(['a', 'b', '&c', '!d']);
    expect(splitHostPattern('a, b ,!c')).toEqual(['a', 'b', '!c']);
    expect(splitHostPattern('kvm[01:03]:routers')).toEqual(['kvm[01:03]', 'routers']);
    expect(splitHostPattern('2001:db8::1')).toEqual(['2001:db8::1']);
    expect(splitHostPattern('host.example.net:2222')).toEqual(['host.example.net:2222']);
  });

  it('reports a position past the end as a user error', () => {
    expect(userErrorLines(() => inv.match('hypervisors[9]'))).toEqual(['no host at position 9 in host pattern "hypervisors[9]" (it matches 4 host(s), counted from 0)']);
    expect(userErrorLines(() => inv.match('~kvm('))[0]).toMatch(/^invalid regular expression in host pattern "~kvm\(": /);
  });
});
