/**
 * `properties`: keys in a Java-style key=value file (agent.properties).
 */
import { defineModule } from '../contract.ts';
import { propertiesCommands } from './commands.ts';
import { diffProperties } from './diff.ts';
import { propertiesDoc } from './doc.ts';
import { propertiesParams } from './schema.ts';
import type { PropertiesParams } from './schema.ts';
import { keyFileProbe, parseKeyFile } from './state.ts';
import type { KeyFileState } from './state.ts';

export const propertiesModule = defineModule<PropertiesParams, KeyFileState>({
  name: 'properties',
  doc: propertiesDoc,
  schema: propertiesParams,
  probe: (params) => `(\n${keyFileProbe(params.path)}\n)`,
  parse: (output, params) => parseKeyFile(output, params.path, 'java'),
  diff: (desired, actual) => diffProperties(desired, actual),
  commands: (changes, desired) => propertiesCommands(changes, desired),
});
