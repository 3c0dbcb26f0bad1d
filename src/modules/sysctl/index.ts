/**
 * `sysctl`: kernel parameters, running and persisted.
 */
import { defineModule } from '../contract.ts';
import { sysctlCommands } from './commands.ts';
import { diffSysctl } from './diff.ts';
import { sysctlDoc } from './doc.ts';
import { sysctlParams } from './schema.ts';
import type { SysctlParams } from './schema.ts';
import { parseSysctl, sysctlProbe, sysctlProbeTogether } from './state.ts';
import type { SysctlState } from './state.ts';

export const sysctlModule = defineModule<SysctlParams, SysctlState>({
  name: 'sysctl',
  doc: sysctlDoc,
  schema: sysctlParams,
  probe: (params) => sysctlProbe(params),
  probeTogether: (list) => sysctlProbeTogether(list),
  parse: (output, params) => parseSysctl(output, params),
  diff: (desired, actual) => diffSysctl(desired, actual),
  commands: (changes, desired) => sysctlCommands(changes, desired),
});
