/**
 * The Open vSwitch configuration zonectl reads: bridges, their ports and each
 * port's interface, joined from the Bridge, Port and Interface tables.
 */
import {
  boolean,
  numbers,
  optionalNumber,
  optionalString,
  parseListDocument,
  string,
  stringMap,
  uuid,
  uuids,
  type OvsdbRow,
} from './ovsdb.ts';

export interface OvsInterface {
  name: string;
  /** `system` where OVSDB stores the empty string (a plain network device). */
  type: string;
  options: Record<string, string>;
  mtuRequest: number | undefined;
  externalIds: Record<string, string>;
  /** OpenFlow port number; -1 when the interface failed, undefined before vswitchd assigned one. */
  ofport: number | undefined;
  error: string | undefined;
}

export interface OvsPort {
  name: string;
  bridge: string | undefined;
  tag: number | undefined;
  trunks: number[];
  vlanMode: string | undefined;
  externalIds: Record<string, string>;
  interfaces: OvsInterface[];
}

export interface OvsBridge {
  name: string;
  /** `system` where OVSDB stores the empty string (its default). */
  datapathType: string;
  failMode: string | undefined;
  stp: boolean;
  otherConfig: Record<string, string>;
  externalIds: Record<string, string>;
  ports: string[];
}

export interface OvsState {
  bridges: Record<string, OvsBridge>;
  ports: Record<string, OvsPort>;
}

/** Columns the probe asks for, per table (parse reads them by heading). */
export const LIST_COLUMNS = {
  Bridge: ['_uuid', 'name', 'datapath_type', 'fail_mode', 'stp_enable', 'other_config', 'external_ids', 'ports'],
  Port: ['_uuid', 'name', 'interfaces', 'tag', 'trunks', 'vlan_mode', 'external_ids'],
  Interface: ['_uuid', 'name', 'type', 'options', 'mtu_request', 'external_ids', 'ofport', 'error'],
} as const;

function interfaceOf(row: OvsdbRow): OvsInterface {
  return {
    name: string(row.name),
    type: string(row.type) || 'system',
    options: stringMap(row.options),
    mtuRequest: optionalNumber(row.mtu_request),
    externalIds: stringMap(row.external_ids),
    ofport: optionalNumber(row.ofport),
    error: optionalString(row.error),
  };
}

/** Joins the three `list` documents (Bridge, Port, Interface, in that order). */
export function parseOvsState(bridgeDoc: string, portDoc: string, interfaceDoc: string): OvsState {
  const interfaces = new Map(parseListDocument(interfaceDoc).map((row) => [uuid(row._uuid), interfaceOf(row)]));
  const portRows = parseListDocument(portDoc);
  const bridgeRows = parseListDocument(bridgeDoc);
  const bridgeOfPort = new Map<string, string>();
  const bridges: Record<string, OvsBridge> = {};
  const portNames = new Map(portRows.map((row) => [uuid(row._uuid), string(row.name)]));
  for (const row of bridgeRows) {
    const name = string(row.name);
    const portIds = uuids(row.ports);
    for (const id of portIds) bridgeOfPort.set(id, name);
    bridges[name] = {
      name,
      datapathType: string(row.datapath_type) || 'system',
      failMode: optionalString(row.fail_mode),
      stp: boolean(row.stp_enable),
      otherConfig: stringMap(row.other_config),
      externalIds: stringMap(row.external_ids),
      ports: portIds.map((id) => portNames.get(id) ?? id).sort(),
    };
  }
  const ports: Record<string, OvsPort> = {};
  for (const row of portRows) {
    const id = uuid(row._uuid);
    const name = string(row.name);
    ports[name] = {
      name,
      bridge: bridgeOfPort.get(id),
      tag: optionalNumber(row.tag),
      trunks: numbers(row.trunks).sort((a, b) => a - b),
      vlanMode: optionalString(row.vlan_mode),
      externalIds: stringMap(row.external_ids),
      interfaces: uuids(row.interfaces).flatMap((i) => interfaces.get(i) ?? []),
    };
  }
  return { bridges, ports };
}

/**
 * OpenFlow port number → port name on one bridge (to compare flows written
 * either way). Reserved numbers (the bridge's own port is 65534, printed
 * LOCAL) are left out: ovs-ofctl prints those by their reserved names.
 */
export function ofportNames(state: OvsState, bridge: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const portName of state.bridges[bridge]?.ports ?? []) {
    for (const iface of state.ports[portName]?.interfaces ?? []) {
      if (iface.ofport !== undefined && iface.ofport > 0 && iface.ofport < 0xff00) names.set(iface.ofport, iface.name);
    }
  }
  return names;
}
