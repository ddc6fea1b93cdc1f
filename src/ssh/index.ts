// The ssh layer's public surface: the pooled executor, config resolution, known_hosts, command building.
export * from './types';
export { SshPool } from './pool';
export type { SshPoolOptions } from './pool';
export { resolveSshHost, computeSshConfig, parseProxyJump, expandPathTokens } from './config';
export type { ResolvedSshHost, JumpHostSpec, StrictHostKeyChecking, ConfigEnvironment, ResolveInput } from './config';
export {
  fingerprintSha256,
  keyTypeOfBlob,
  knownHostsName,
  parseKnownHosts,
  readKnownHostsFiles,
  checkHostKey,
  hostFieldMatches,
  formatKnownHostsLine,
  appendKnownHostsLine,
} from './knownhosts';
export type { KnownHostEntry, HostKeyVerdict } from './knownhosts';
export { shellQuote, remoteCommand } from './quote';
export type { RemoteCommandSpec } from './quote';
