/** Reading inventory files: located by the path the operator gave, read from its absolute path. */
import { readFileSync } from 'node:fs';
import { UserError, UserErrors, type ErrorCollector } from '../errors/index.ts';
import { describeReadError, parseYaml, type YamlDocument } from '../yaml/index.ts';

export function readText(path: string, abs: string, errors: ErrorCollector): string | null {
  try {
    return readFileSync(abs, 'utf8');
  } catch (error) {
    errors.add(`cannot read ${path}: ${describeReadError(error)}`);
    return null;
  }
}

/** Parses a YAML file; a syntax error is collected and gives null. */
export function readYaml(path: string, abs: string, errors: ErrorCollector): YamlDocument | null {
  const text = readText(path, abs, errors);
  if (text === null) return null;
  try {
    return parseYaml(text, path);
  } catch (error) {
    if (error instanceof UserError || error instanceof UserErrors) {
      errors.push(error);
      return null;
    }
    throw error;
  }
}
