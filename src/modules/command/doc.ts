import type { ModuleDoc } from '../contract.ts';

export const commandDoc: ModuleDoc = {
  summary: 'Run shell text, made idempotent with creates, removes or unless.',
  description:
    'The probe evaluates the guards (read-only: a test for a path, or the unless command, which must not change anything). ' +
    'A guarded command is reported ("will run") only when its guards say it would run; an unguarded command is always reported as will run, every time: ' +
    'a dry run never hides it. A command that runs is an action: verify does not expect it to disappear. ' +
    'run, unless and chdir are the operator\'s own POSIX sh text and run as written; a non-zero exit of run fails the task.',
  params: {
    run: 'POSIX sh text to run (a string task `command: "..."` is short for run)',
    creates: 'absolute path: skip when it exists',
    removes: 'absolute path: skip when it does not exist',
    unless: 'a test command: skip when it exits 0 (it runs in the probe, so it must only read)',
    chdir: 'absolute path of the directory to run in',
  },
  examples: `- name: initialise the agent's key store
  command:
    run: cloudstack-setup-agent --keystore
    creates: /etc/cloudstack/agent/cloud.jks`,
};
