// The network of a real-Greenplum lab: each host has its own network namespace (held by its anchor process), so
// every PostgreSQL instance may listen on '*' at the production port and every sshd on port 22, as on separate
// machines. The namespaces hang off one bridge per lab, the only link into the machine's own namespace.
import { sh } from './process';

/** 10.99.<subnet>.0/24: the lab's own private network. The bridge, seen from this machine, is .253. */
export const realAddress = (subnet: number, i: number): string => `10.99.${subnet}.${i}`;
export const bridgeName = (subnet: number): string => `gplab${subnet}`;
const BRIDGE_HOST = 253;

/** Creates the lab's bridge (replacing a leftover one of the same subnet) with this machine's address on it. */
export function createBridge(subnet: number): string {
  const bridge = bridgeName(subnet);
  removeBridge(subnet);
  sh('ip', ['link', 'add', bridge, 'type', 'bridge']);
  sh('ip', ['addr', 'add', `${realAddress(subnet, BRIDGE_HOST)}/24`, 'dev', bridge]);
  sh('ip', ['link', 'set', bridge, 'up']);
  return bridge;
}

export function removeBridge(subnet: number): void {
  const bridge = bridgeName(subnet);
  if (sh('ip', ['link', 'show', bridge], { allowFail: true }).code === 0)
    sh('ip', ['link', 'del', bridge], { allowFail: true });
}

/** Gives the network namespace of `anchorPid` an eth0 on the lab's bridge with `address`, and its loopback. */
export function attachHost(subnet: number, index: number, anchorPid: number, address: string): void {
  const outside = `${bridgeName(subnet)}h${index}`;
  sh('ip', ['link', 'del', outside], { allowFail: true });
  sh('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(anchorPid)]);
  sh('ip', ['link', 'set', outside, 'master', bridgeName(subnet), 'up']);
  const inside = (...args: string[]): void =>
    void sh('nsenter', ['--target', String(anchorPid), '--net', 'ip', ...args]);
  inside('link', 'set', 'lo', 'up');
  inside('addr', 'add', `${address}/24`, 'dev', 'eth0');
  inside('link', 'set', 'eth0', 'up');
}
