// Reads a saved gpstate output: decides whether it is `gpstate -f` or `gpstate -b` and builds the panel snapshot.
// Pure: the caller supplies the text (from a file, the clipboard or a command argument).
import { parseOutput } from '../../core/parsers';
import { l10n } from '../l10n';
import { buildSnapshot } from './snapshot';
import type { StatusSnapshot } from './protocol';

export type GpstateKind = 'gpstate-f' | 'gpstate-b';

export type ReadOutcome = { ok: true; kind: GpstateKind; snapshot: StatusSnapshot } | { ok: false; message: string };

const ARGS = /Starting gpstate with args:\s*(.*)$/m;

/** The order to try: what the banner's "Starting gpstate with args:" says first, then the other kind. */
export function kindsToTry(text: string): GpstateKind[] {
  const args = ARGS.exec(text)?.[1] ?? '';
  const saysF = /(^|\s)-\w*f/.test(args);
  return saysF || (!/(^|\s)-\w*b/.test(args) && /Standby (?:master|coordinator) details|pg_stat_replication/.test(text))
    ? ['gpstate-f', 'gpstate-b']
    : ['gpstate-b', 'gpstate-f'];
}

/** Parses `text` as gpstate -f or -b and builds the snapshot; explains what was wrong when it is neither. */
export function readGpstateOutput(text: string, label: string, options: { exitCode?: number } = {}): ReadOutcome {
  if (!text.trim()) {
    return {
      ok: false,
      message: l10n.t(
        '{0} is empty. Copy everything gpstate -f or gpstate -b printed, including the lines with "[INFO]:-".',
        label,
      ),
    };
  }
  const reasons: Array<{ kind: GpstateKind; reason: string }> = [];
  for (const kind of kindsToTry(text)) {
    const actions = ['openGpstateOutput'] as const;
    if (kind === 'gpstate-f') {
      const parsed = parseOutput('gpstate-f', text, options);
      if (parsed.recognized) {
        return {
          ok: true,
          kind,
          snapshot: buildSnapshot({
            title: label,
            subtitle: l10n.t('Saved gpstate -f output (standby and replication)'),
            gpstateF: { result: parsed.result, label, text },
            actions: [...actions],
          }),
        };
      }
      reasons.push({ kind, reason: parsed.reason });
    } else {
      const parsed = parseOutput('gpstate-b', text, options);
      if (parsed.recognized) {
        return {
          ok: true,
          kind,
          snapshot: buildSnapshot({
            title: label,
            subtitle: l10n.t('Saved gpstate -b output (status summary)'),
            gpstateB: { result: parsed.result, label, text },
            actions: [...actions],
          }),
        };
      }
      reasons.push({ kind, reason: parsed.reason });
    }
  }
  // Both parsers usually give the same reason ("no gpstate log line"); say it once.
  const distinct = new Set(reasons.map(r => r.reason));
  const why =
    distinct.size === 1
      ? [...distinct][0]!
      : reasons
          .map(r => l10n.t('as {0}: {1}', r.kind === 'gpstate-f' ? 'gpstate -f' : 'gpstate -b', r.reason))
          .join('; ');
  return {
    ok: false,
    message: l10n.t(
      '{0} is not a gpstate -f or gpstate -b output: {1}. Open the text gpstate -f or gpstate -b printed on the active coordinator, including its "[INFO]:-" lines.',
      label,
      why,
    ),
  };
}
