// Which cluster the status bar shows, and the words for a standby, shared by the status bar, the tree and the panel.
// Pure and vscode-free (words through ../l10n), unit-tested.
import type { ClusterState, Situation } from '../../core/state';
import { l10n } from '../l10n';
import type { Health } from './protocol';
import { SITUATION_TEXT } from './state-snapshot';

export interface ClusterSummaryInput {
  name: string;
  situation: Situation | undefined;
  procedureRunning: boolean;
}

const RANK: Record<Health, number> = { error: 0, warning: 1, unknown: 2, ok: 3 };

/**
 * The cluster the status bar should show: the worst observed one (error, then warning, unknown, healthy), the one
 * with a running procedure before others of the same rank, then the preferred (selected) one, then by name.
 * Returns the number of other clusters that are not healthy too.
 */
export function worstCluster(
  clusters: readonly ClusterSummaryInput[],
  preferred: string | undefined,
): { name: string; othersNotHealthy: number } | undefined {
  const observed = clusters.filter(c => c.situation !== undefined);
  if (!observed.length) return preferred ? { name: preferred, othersNotHealthy: 0 } : undefined;
  const key = (c: ClusterSummaryInput): [number, number, number, string] => [
    RANK[SITUATION_TEXT[c.situation!].health],
    c.procedureRunning ? 0 : 1,
    c.name === preferred ? 0 : 1,
    c.name,
  ];
  const sorted = [...observed].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
    return x[3].localeCompare(y[3]);
  });
  const worst = sorted[0]!;
  const othersNotHealthy = sorted.slice(1).filter(c => SITUATION_TEXT[c.situation!].health !== 'ok').length;
  return { name: worst.name, othersNotHealthy };
}

/** "scdw (passive)", or "none configured" — never "none (not-configured)". */
export function standbyWords(state: ClusterState): string {
  const sb = state.standby;
  if (sb.status === 'not-configured' || !sb.host) return l10n.t('none configured');
  const status = sb.status === 'unknown' ? l10n.t('status unknown') : sb.status;
  return l10n.t('{0} ({1})', sb.host, status);
}
