// What a utility's failure verdict means for the run: advice beyond the step's own, and the verdicts after which
// the change happened anyway (so the step is judged by observing the cluster, like a success).

/** What to do about a failure whose reason calls for more than the step's general advice. */
export function adviceFor(result: { reason?: unknown; unreachableHosts?: unknown }): string | undefined {
  if (result.reason === 'hosts-unreachable') {
    const hosts =
      Array.isArray(result.unreachableHosts) && result.unreachableHosts.length
        ? ` (${result.unreachableHosts.join(', ')})`
        : '';
    return `gpinitstandby -a refuses while a segment host does not answer${hosts}; nothing was changed. Bring the host back and run the step again, or run gpinitstandby yourself without -a and answer its prompt, knowing that the pg_hba.conf of the hosts that do not answer is not updated and must be edited by hand once they are back.`;
  }
  return undefined;
}

/**
 * A failure verdict after which the change has nonetheless happened, so the step is judged by observation like a
 * success: gpactivatestandby timed out waiting for connections after pg_ctl promote completed. Returns the note.
 */
export function changeHappenedDespiteExit(result: { reason?: unknown }): string | false {
  if (result.reason === 'promotion-timed-out') {
    return 'gpactivatestandby promoted the standby (pg_ctl promote completed) but timed out waiting for it to accept connections, and exited 2. The promotion happened: the cluster is re-observed instead of reporting a failed activation.';
  }
  return false;
}
