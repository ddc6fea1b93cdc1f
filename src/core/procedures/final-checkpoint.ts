// The guard between gpstop -m and gpactivatestandby: the standby must hold everything the stopped coordinator wrote.
// A clean shutdown ends the coordinator's WAL with its shutdown checkpoint (pg_controldata "Latest checkpoint
// location"); when that very record is in the standby's WAL, every commit before it reached the standby too.
// Read from files, without a session: a GP6 standby refuses client sessions. Pure: scripts and judgement only.
import { safeAbsolutePath, shellQuote } from '../shell';

/** What pg_controldata says about the stopped coordinator. */
export interface StoppedControlData {
  clusterState: string | null;
  checkpointLsn: string | null;
  /** The checkpoint's timeline: WAL file names carry it, and the tool reads timeline 1 unless told. */
  timeline: number | null;
}

const LSN = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

/** Run on the stopped coordinator's host: its control file's state and latest checkpoint. */
export function controlDataScript(dataDirectory: string): string {
  const dir = shellQuote(safeAbsolutePath(dataDirectory, 'data directory'));
  return `pg_controldata ${dir} 2>&1 | grep -E "^(Database cluster state|Latest checkpoint location|Latest checkpoint's TimeLineID):"`;
}

export function parseControlData(stdout: string): StoppedControlData {
  const fields = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const field = (name: string): string | null => fields.get(name) || null;
  const lsn = field('Latest checkpoint location');
  const timeline = field("Latest checkpoint's TimeLineID");
  return {
    clusterState: field('Database cluster state'),
    checkpointLsn: lsn && LSN.test(lsn) ? lsn : null,
    timeline: timeline && /^\d+$/.test(timeline) ? Number(timeline) : null,
  };
}

/**
 * Run on the standby's host: the first WAL record at or after `lsn` in its own WAL directory (Greenplum 6 and
 * PostgreSQL before 10 name the tool pg_xlogdump and the directory pg_xlog; later ones pg_waldump and pg_wal).
 */
export function walRecordScript(dataDirectory: string, lsn: string, timeline: number): string {
  if (!LSN.test(lsn)) throw new Error(`not a WAL location: ${JSON.stringify(lsn)}`);
  if (!Number.isInteger(timeline) || timeline < 1) throw new Error(`not a timeline: ${String(timeline)}`);
  const dir = shellQuote(safeAbsolutePath(dataDirectory, 'data directory'));
  return (
    `D=${dir}; W="$D/pg_wal"; [ -d "$D/pg_xlog" ] && W="$D/pg_xlog"; ` +
    `T=pg_waldump; command -v pg_xlogdump >/dev/null 2>&1 && T=pg_xlogdump; ` +
    `"$T" -p "$W" -t ${timeline} -s ${lsn} -n 1 2>&1`
  );
}

/** The LSN of the first record pg_xlogdump/pg_waldump printed ("lsn: 0/0C000028," in the record line), if any. */
export function firstRecordLsn(dump: string): string | null {
  return /\blsn: ([0-9A-F]+\/[0-9A-F]+),/i.exec(dump)?.[1] ?? null;
}

const sameLsn = (a: string, b: string): boolean => {
  const n = (x: string): bigint => {
    const [hi, lo] = x.split('/');
    return (BigInt(`0x${hi!}`) << 32n) + BigInt(`0x${lo!}`);
  };
  return n(a) === n(b);
};

/** Judges the guard from the two hosts' outputs. */
export function judgeFinalCheckpoint(
  hosts: { stopped: string; standby: string },
  control: StoppedControlData,
  dump: string | null,
): { ok: boolean; message: string } {
  const { stopped, standby } = hosts;
  if (control.clusterState !== 'shut down')
    return {
      ok: false,
      message: `pg_controldata on ${stopped} says "${control.clusterState ?? 'nothing readable'}", not "shut down": its last checkpoint does not mark the end of its WAL`,
    };
  if (!control.checkpointLsn || !control.timeline)
    return {
      ok: false,
      message: `pg_controldata on ${stopped} printed no "Latest checkpoint location" and "Latest checkpoint's TimeLineID"`,
    };
  const at = dump === null ? null : firstRecordLsn(dump);
  if (!at || !sameLsn(at, control.checkpointLsn)) {
    const said = (dump ?? '').trim().split('\n').pop() ?? '';
    return {
      ok: false,
      message: `the WAL on ${standby} lacks the record at ${control.checkpointLsn}, the last checkpoint of the stopped coordinator on ${stopped}${said ? ` (${said})` : ''}: activating now could lose committed transactions. Start the coordinator on ${stopped} again (gpstart -a) and let the standby catch up`,
    };
  }
  return {
    ok: true,
    message: `the WAL on ${standby} holds ${stopped}'s last checkpoint record at ${control.checkpointLsn} (cluster state shut down)`,
  };
}
