// Plain-text renderings of a cluster state and of planned steps, for the CLI and the extension's output channel.
import { describeReplication } from '../core/state';
import type { ClusterState, HostState } from '../core/state';
import type { PlannedStep } from '../core/procedures/types';
import { envAssignments } from '../core/shell';

const ROLE: Record<HostState['role'], string> = {
  'active-coordinator': 'active coordinator',
  standby: 'standby',
  'utility-mode': 'postmaster in utility mode',
  stale: 'stale (former coordinator)',
  down: 'down',
  unknown: 'unknown',
};

function hostLine(h: HostState, state: ClusterState): string {
  const parts: string[] = [];
  if (!h.reachable) parts.push(`unreachable: ${h.failure ? `${h.failure}: ` : ''}${h.error ?? '?'}`);
  else {
    parts.push(`${h.dataDirectory}${h.dataDirectoryExists ? '' : ' (absent)'} port ${h.port}`);
    parts.push(h.postmasterRunning ? `postmaster PID ${h.postmasterPid ?? '?'}` : 'no postmaster');
    if (h.timeline !== undefined) parts.push(`timeline ${h.timeline}`);
    if (h.lockFilePresent && h.lockFileStale) parts.push(`STALE lock file /tmp/.s.PGSQL.${h.port}.lock`);
    if (h.backups.length) parts.push(`backups: ${h.backups.join(', ')}`);
  }
  let role = ROLE[h.role];
  if (h.name === state.standby.host && state.standby.status !== 'not-configured')
    role = `standby (${state.standby.status})`;
  return `  ${h.name.padEnd(12)} ${role.padEnd(28)} ${parts.join(', ')}`;
}

export function formatState(state: ClusterState): string {
  const lines: string[] = [];
  lines.push(
    `Cluster ${state.cluster}: ${state.situation.toUpperCase()}  (observed ${state.observedAt} from ${state.source})`,
  );
  lines.push(`  active coordinator: ${state.activeCoordinator ?? 'none'}`);
  const sb = state.standby;
  if (sb.status === 'not-configured') lines.push('  standby: none configured');
  else lines.push(`  standby: ${sb.host ?? '?'} ${sb.status}; ${describeReplication(sb)}`);
  if (state.segments)
    lines.push(
      `  segments: ${state.segments.total} (${state.segments.down} down, ${state.segments.notInPreferredRole} not in preferred role)`,
    );
  lines.push('  hosts:');
  for (const h of state.hosts) lines.push(hostLine(h, state));
  if (state.problems.length) {
    lines.push('  problems:');
    for (const p of state.problems) lines.push(`    ${p.level.toUpperCase().padEnd(7)} ${p.text}`);
  }
  return lines.join('\n');
}

/** The command as the user should read it: exported variables, then the command. */
export function shownCommand(step: PlannedStep): string {
  const env: Record<string, string> = step.id === 'activate-standby' ? { PGPORT: step.env.PGPORT ?? '' } : {};
  const prefix = Object.keys(env).length ? `${envAssignments(env)} ` : '';
  return `${prefix}${step.command}`;
}

export function formatStep(step: PlannedStep, opts: { guards?: boolean } = {}): string {
  const lines = [
    `[${step.index + 1}/${step.total}] ${step.title} — on ${step.host}${step.changesCluster ? ' (changes the cluster)' : ' (read-only)'}`,
    `      $ ${shownCommand(step)}`,
  ];
  if (Object.keys(step.env).length) lines.push(`      environment: ${envAssignments(step.env)}`);
  if (step.prompts) lines.push(`      prompts: ${step.prompts}`);
  if (step.warning) lines.push(`      WARNING: ${step.warning}`);
  if (opts.guards !== false)
    for (const g of step.guards)
      lines.push(
        `      guard (${g.kind === 'remote' ? `checked on ${g.host}` : `observed ${g.host}`}): ${g.description}`,
      );
  lines.push(`      proves it: ${step.verify.description}`);
  return lines.join('\n');
}
