/**
 * API placeholder — implemented by the inventory work (see the issue on the core).
 * loadYamlFile/parseYaml return the value and a `locate(path)` that gives the
 * file:line:col of any key or item, for error messages.
 */
export {};
