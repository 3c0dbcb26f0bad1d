import type { ModuleDoc } from '../contract.ts';

export const kernelModuleDoc: ModuleDoc = {
  summary: 'A kernel module: loaded now (modprobe) and listed in /etc/modules-load.d/ so it loads at boot.',
  description:
    'Loaded means /sys/module/NAME exists (a loaded module, or one built into the kernel). ' +
    'When it is not loaded, the probe asks `modprobe -n` whether it could be: a module the kernel cannot load is an error at check time, with modprobe\'s own words. ' +
    'The list file holds one module per line; zonectl adds or removes only its own line and leaves other lines and files alone. ' +
    'Module parameters are not managed (use a file task for /etc/modprobe.d).',
  params: {
    name: 'module name, e.g. 8021q, br_netfilter',
    state: 'present (default: loaded and listed) or absent (unloaded with modprobe -r and unlisted)',
    persist: 'also list it in file (default true)',
    file: 'the modules-load.d file zonectl keeps (default /etc/modules-load.d/zonectl.conf)',
  },
  examples: `- name: VLAN sub-interfaces need 8021q
  kernel_module:
    name: 8021q`,
};
