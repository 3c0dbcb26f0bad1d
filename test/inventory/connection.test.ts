/** Connection settings from zonectl's names and Ansible's aliases, defaults, validation and templating. */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError, type SourceLocation } from '../../src/errors/index.ts';
import { loadInventory } from '../../src/inventory/index.ts';
import { userErrorLines } from './helpers.ts';

const FILE = 'test/fixtures/inventory/connection/hosts.yml';
const KEY = resolve('test/fixtures/inventory/connection/keys/zone_ed25519');

describe('connection settings', () => {
  const inv = loadInventory([FILE], { localUser: 'tester' });
  const conn = (host: string) => inv.hosts.get(host)?.connection;

  it('prefers the zonectl name over the Ansible alias set at the same level, and a group over all', () => {
    expect(conn('kvm01')).toEqual({
      address: '192.0.2.99',
      port: 22,
      user: 'zadmin',
      identity_file: KEY,
      known_hosts: '~/.ssh/zone_known_hosts',
      jump: ['admin@bastion.example.net:2222'],
      become: true,
    });
  });

  it('lets an alias set at a higher level win (host ansible_user over group user), reads numeric strings and jump lists', () => {
    expect(conn('kvm02')).toMatchObject({ address: 'kvm02', user: 'root', port: 2222, jump: ['a@j1:22', 'j2:22'] });
  });

  it('reads ProxyJump and UserKnownHostsFile out of ansible_ssh_common_args, and yes/no strings for become', () => {
    expect(conn('kvm03')).toMatchObject({ jump: ['ops@jump1:2200', 'jump2:22'], known_hosts: '/etc/zonectl/known_hosts', become: false });
  });

  it('follows the classic ProxyCommand="ssh -W %h:%p … bastion"', () => {
    expect(conn('kvm04')?.jump).toEqual(['ops@bastion2:2022']);
  });

  it('defaults: address = host name, port 22, the local user, no key, become false, platform linux', () => {
    expect(conn('tor1')).toEqual({ address: 'tor1', port: 22, user: 'ops', identity_file: '/etc/zonectl/tor.key', known_hosts: null, jump: [], become: false });
    expect(inv.hosts.get('tor1')?.platform).toBe('cumulus');
    expect(inv.hosts.get('kvm01')?.platform).toBe('linux');
    const plain = loadInventory(['kvm99,']);
    expect(plain.hosts.get('kvm99')?.connection.user.length).toBeGreaterThan(0);
    expect(loadInventory(['kvm99,'], { localUser: 'someone' }).hosts.get('kvm99')?.connection).toEqual({
      address: 'kvm99',
      port: 22,
      user: 'someone',
      identity_file: null,
      known_hosts: null,
      jump: [],
      become: false,
    });
  });

  it('keeps templated values as written when no renderer is given', () => {
    expect(conn('tor2')).toMatchObject({ address: '{{ inventory_hostname }}.mgmt.example.net', port: '{{ ssh_port }}' });
  });

  it('renders templated values with the host variables when compile gives a renderer', () => {
    const calls: { text: string; where: string }[] = [];
    const render = (text: string, vars: Record<string, unknown>, where: SourceLocation): unknown => {
      calls.push({ text, where: `${where.file}:${where.line}:${where.col}` });
      // A tiny stand-in for the real template engine: `{{ name }}` only.
      const whole = /^\{\{\s*(\w+)\s*\}\}$/.exec(text);
      if (whole) return vars[whole[1] as string];
      return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name: string) => String(vars[name]));
    };
    const rendered = loadInventory([FILE], { localUser: 'tester', render });
    expect(rendered.hosts.get('tor2')?.connection).toMatchObject({ address: 'tor2.mgmt.example.net', port: 2022 });
    expect(calls).toEqual([
      { text: '{{ inventory_hostname }}.mgmt.example.net', where: `${FILE}:33:20` },
      { text: '{{ ssh_port }}', where: `${FILE}:34:17` },
    ]);
  });

  it('collects an error the renderer raises (an undefined variable) with the other errors', () => {
    const render = (text: string, _vars: Record<string, unknown>, where: SourceLocation): unknown => {
      throw new UserError(`undefined variable in ${JSON.stringify(text)}`, where);
    };
    expect(userErrorLines(() => loadInventory([FILE], { localUser: 'tester', render }))).toEqual([
      `${FILE}:33:20: undefined variable in "{{ inventory_hostname }}.mgmt.example.net"`,
      `${FILE}:34:17: undefined variable in "{{ ssh_port }}"`,
    ]);
  });

  it('reports every invalid connection value at the place it is written', () => {
    expect(userErrorLines(() => loadInventory(['test/fixtures/inventory/errors/connection.yml'], { localUser: 'tester' }))).toEqual([
      'test/fixtures/inventory/errors/connection.yml:4:13: host h1: port must be a whole number from 1 to 65535, not 70000',
      'test/fixtures/inventory/errors/connection.yml:5:15: host h1: become must be true or false, not "maybe" (yes/no/true/false)',
      'test/fixtures/inventory/errors/connection.yml:7:16: host h2: address must be a host name or IP address, not ""',
      'test/fixtures/inventory/errors/connection.yml:8:17: host h2: platform must be a platform name such as linux, not "Cisco-IOS" (lower-case letters, digits and _, starting with a letter)',
      'test/fixtures/inventory/errors/connection.yml:10:13: host h3: jump has an invalid jump host "bad host!" (user@host:port; user and port are optional, IPv6 as [addr]:port)',
      'test/fixtures/inventory/errors/connection.yml:11:21: host h3: ansible_user must be a user name, not a list',
      'test/fixtures/inventory/errors/connection.yml:12:22: host h3: identity_file must be a file path, not 42',
    ]);
  });

  it('reports a value set on a group once, not once per host', () => {
    const lines = userErrorLines(() => loadInventory(['test/fixtures/inventory/errors/group-port.ini'], { localUser: 'tester' }));
    expect(lines).toEqual(['test/fixtures/inventory/errors/group-port.ini:6:6: host kvm01: port must be a whole number from 1 to 65535, not "ssh"']);
  });
});
