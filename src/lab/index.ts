/**
 * The lab: real virtual hosts on this machine, from a topology file. See docs/lab.md.
 */
export { labUp, labUpFromTopology, type LabUpOptions } from './up.ts';
export { labDown, resolveLabName, type LabDownOptions } from './down.ts';
export { labStatus, type LabStatus, type NodeStatus } from './status.ts';
export { findNode, sshArgv, type SshTarget } from './ssh.ts';
export { labFiles, type LabNode, type LabState } from './lab-state.ts';
export { loadTopology, parseTopology, requiredPackages, type Topology, type TopologyNode, type TopologyLink, type TopologySegment } from './topology.ts';
export { machineProblems } from './preflight.ts';
