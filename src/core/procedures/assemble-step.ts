// One way from a step template, its resolved hosts and parameters to a planned step, for both planners: the
// command and every guard's script come from the same parameters, and no template field is dropped on the way.
import type { ResolvedHost } from '../inventory';
import { remoteGuardScript, stepCommand } from './commands';
import { controlDataScript } from './final-checkpoint';
import type { Guard, GuardSpec, PlannedStep, ProcedureId, RemoteGuardId, StepParams, StepTemplate } from './types';

export function assembleStep(
  procedure: ProcedureId,
  t: StepTemplate,
  at: { index: number; total: number },
  host: ResolvedHost,
  params: StepParams,
  resolve: (ref: GuardSpec['host']) => ResolvedHost,
): PlannedStep {
  const { command, env } = stepCommand(t.id, params);
  const guards: Guard[] = t.guards.map(g => {
    const gh = resolve(g.host);
    if (g.kind === 'state') return { kind: 'state', id: g.id, host: gh.name, description: g.description };
    if (g.stoppedHost) {
      // Two hosts: the stopped coordinator's control file first, then the standby's WAL at that location.
      const stopped = resolve(g.stoppedHost);
      const script = controlDataScript(stopped.dataDirectory);
      return { kind: 'remote', id: g.id, host: gh.name, description: g.description, script, stoppedHost: stopped.name };
    }
    const script = remoteGuardScript(g.id as RemoteGuardId, {
      host: gh.name,
      dataDirectory: gh.dataDirectory,
      port: gh.port,
      backupPath: params.backupPath,
      lockAsidePath: params.lockAsidePath,
    });
    return { kind: 'remote', id: g.id, host: gh.name, description: g.description, script };
  });
  return {
    procedure,
    id: t.id,
    index: at.index,
    total: at.total,
    title: t.title,
    host: host.name,
    command,
    env,
    changesCluster: t.changesCluster,
    guards,
    verify: t.verify,
    onFailure: t.onFailure,
    timeoutMs: t.timeoutMs,
    outputKind: t.outputKind,
    prompts: t.prompts,
    ...(t.warning ? { warning: t.warning } : {}),
    params,
  };
}
