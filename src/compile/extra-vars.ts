/**
 * `-e` extra variables, as Ansible takes them: `key=value` (a string; several
 * separated by spaces), `@file.yml` (a YAML or JSON mapping), or an inline
 * JSON/YAML mapping `{"mtu": 9000}` for typed values. Later ones win.
 */
import { UserError, isUserError } from '../errors/index.ts';
import { SourceFiles } from '../playbook/sources.ts';
import { isMapping } from '../playbook/values.ts';
import { parseYaml } from '../yaml/index.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMS = 'key=value, @file.yml, or a mapping like {"mtu": 9000}';

export function parseExtraVars(args: readonly string[], cwd: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  const sources = new SourceFiles(cwd);
  for (const arg of args) {
    const text = arg.trim();
    if (text.startsWith('@')) {
      const abs = sources.resolve(text.slice(1));
      const doc = sources.readYaml(abs);
      if (!isMapping(doc.value)) throw new UserError('an extra vars file must be a mapping of name: value', doc.locate([]));
      assign(vars, doc.value, `-e ${text}`);
    } else if (text.startsWith('{')) {
      let value: unknown;
      try {
        value = parseYaml(text, '-e').value;
      } catch (error) {
        if (!isUserError(error)) throw error;
        throw new UserError(`-e ${JSON.stringify(arg)}: not a valid mapping: ${error.message}`, undefined, FORMS);
      }
      if (!isMapping(value)) throw new UserError(`-e ${JSON.stringify(arg)}: not a mapping`, undefined, FORMS);
      assign(vars, value, `-e ${JSON.stringify(arg)}`);
    } else {
      const words = text.split(/\s+/);
      // "a=1 b=2" sets two variables; "motd=hello world" sets one with a space.
      const pairs = words.length > 1 && words.every((w) => NAME.test(w.split('=')[0] as string) && w.includes('=')) ? words : [text];
      for (const pair of pairs) {
        const eq = pair.indexOf('=');
        if (eq < 1) throw new UserError(`-e ${JSON.stringify(arg)}: expected key=value`, undefined, FORMS);
        assign(vars, { [pair.slice(0, eq)]: pair.slice(eq + 1) }, `-e ${JSON.stringify(arg)}`);
      }
    }
  }
  return vars;
}

function assign(vars: Record<string, unknown>, values: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(values)) {
    if (!NAME.test(key)) throw new UserError(`${where}: invalid variable name ${JSON.stringify(key)}`, undefined, 'letters, digits and _, not starting with a digit');
    vars[key] = value;
  }
}
