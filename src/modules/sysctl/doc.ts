import type { ModuleDoc } from '../contract.ts';

export const sysctlDoc: ModuleDoc = {
  summary: 'Kernel parameters: the running value under /proc/sys and a persisted line in a sysctl.d file.',
  description:
    'Values compare as the kernel prints them, whitespace-normalised ("4096 87380 6291456" with tabs equals spaces). ' +
    'Persisted keys live in one file (default /etc/sysctl.d/60-zonectl.conf); each task updates only its own keys there, ' +
    'in place, and leaves every other line (and every other file) alone, so several tasks can share the file. ' +
    'A key the kernel does not have is an error naming it, unless ignore_missing is true (then the key is skipped, also in the file).',
  params: {
    name: 'one key, e.g. net.ipv4.ip_forward; a dot inside an interface name is written / (net.ipv4.conf.eth1/100.proxy_arp), or use the path form net/ipv4/conf/eth1.100/proxy_arp',
    value: 'the value for name (string or number; whitespace is normalised)',
    set: 'many keys at once: {key: value}; instead of name + value',
    persist: 'also write the key to file so it survives a reboot (default true)',
    file: 'absolute path of the sysctl.d file zonectl keeps (default /etc/sysctl.d/60-zonectl.conf)',
    ignore_missing: 'skip keys the kernel does not have instead of failing (default false)',
    module: 'the kernel module that provides these keys (e.g. br_netfilter for net.bridge.*): when they are missing, it is loaded first (keep it loaded at boot with kernel_module)',
  },
  examples: `- name: forward IPv4
  sysctl:
    name: net.ipv4.ip_forward
    value: 1
- name: bridge netfilter
  sysctl:
    set:
      net.bridge.bridge-nf-call-iptables: 1
      net.core.netdev_max_backlog: 5000
    ignore_missing: true`,
};
