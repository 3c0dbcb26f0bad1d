import type { ModuleDoc } from '../contract.ts';

export const packageDoc: ModuleDoc = {
  summary: 'Packages installed or absent, through apt (Debian/Ubuntu) or dnf/yum (RHEL family), detected per host.',
  description:
    'The probe finds the package manager (dpkg-query + apt-get, else rpm + dnf or yum) and asks for each package whether it is installed ' +
    '(dpkg status installed, triggers-pending or triggers-awaited; `rpm -q`). Only what is missing is installed, in ONE command ' +
    '(`DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ...`, `dnf install -y ...`); only what is present is removed. ' +
    'Versions are not managed. A host with neither manager is an error.',
  params: {
    name: 'a package name or a list of them',
    state: 'present (default) or absent',
    update_cache: 'refresh the package lists first (apt-get update / dnf makecache), only when something must be installed (default false)',
  },
  examples: `- name: hypervisor packages
  package:
    name: [qemu-kvm, libvirt-daemon-system, bridge-utils]
    update_cache: true`,
};
