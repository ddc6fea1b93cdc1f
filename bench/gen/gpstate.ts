// Generates large, faithful utility outputs for the parser benchmarks: a `gpstate -s` of an N-segment cluster in
// Greenplum 6 format (log prefix, master section and per-segment blocks exactly as gp6-lab-capture/03-gpstate-s.txt
// prints them), a variant where every segment is down (a WARNING row per failed field and the closing banner), and
// the worst cases a hostile or broken host could send: one very long line, and text with no newline at all.

const PREFIX_TIME = '20261126:19:54:30:031708';

function line(host: string, level: string, message: string): string {
  return `${PREFIX_TIME} gpstate:${host}:gpadmin-[${level}]:-${message}`;
}

const RULE = '-----------------------------------------------------';
const field = (name: string, width: number, value: string | number): string => `${name.padEnd(width)} = ${value}`;

export interface GpstateSOptions {
  segments: number;
  /** Every segment reported down: a WARNING row per failed field, and the final warning banner. */
  allDown?: boolean;
  coordinatorHost?: string;
  segmentHostsCount?: number;
}

/** `gpstate -s` of a cluster with `segments` segment instances (half primaries, half mirrors). */
export function gpstateS(opts: GpstateSOptions): string {
  const host = opts.coordinatorHost ?? 'mdw';
  const hostsCount = opts.segmentHostsCount ?? Math.max(2, Math.ceil(opts.segments / 8));
  const version = '6.24.3 build commit:25d3498a400ca5230e81abb94861f23389315213';
  const full = `PostgreSQL 9.4.26 (Greenplum Database ${version}) on x86_64-unknown-linux-gnu, compiled by gcc (Debian 12.2.0-14+deb12u1) 12.2.0, 64-bit compiled on Nov 26 2026 19:51:01`;
  const out: string[] = [
    line(host, 'INFO', 'Starting gpstate with args: -s'),
    line(host, 'INFO', `local Greenplum Version: 'postgres (Greenplum Database) ${version}'`),
    line(host, 'INFO', `master Greenplum Version: '${full}'`),
    line(host, 'INFO', 'Obtaining Segment details from master...'),
    line(host, 'INFO', 'Gathering data from segments...'),
    line(host, 'INFO', RULE),
    line(host, 'INFO', '-Master Configuration & Status'),
    line(host, 'INFO', RULE),
    line(host, 'INFO', '   ' + field('Master host', 30, host)),
    line(host, 'INFO', '   ' + field('Master postgres process ID', 30, 29983)),
    line(host, 'INFO', '   ' + field('Master data directory', 30, '/data/master/gpseg-1')),
    line(host, 'INFO', '   ' + field('Master port', 30, 5432)),
    line(host, 'INFO', '   ' + field('Master current role', 30, 'dispatch')),
    line(host, 'INFO', '   ' + field('Greenplum initsystem version', 30, version)),
    line(host, 'INFO', '   ' + field('Greenplum current version', 30, full)),
    line(host, 'INFO', '   ' + field('Postgres version', 30, '9.4.26')),
    line(host, 'INFO', '   ' + field('Master standby', 30, 'smdw')),
    opts.allDown
      ? line(host, 'WARNING', field('Standby master state', 30, 'Standby host DOWN') + ' '.repeat(120) + '<<<<<<<<')
      : line(host, 'INFO', '   ' + field('Standby master state', 30, 'Standby host passive')),
    line(host, 'INFO', RULE),
    line(host, 'INFO', 'Segment Instance Status Report'),
  ];
  const warn = (name: string, value: string): string =>
    line(host, 'WARNING', '      ' + field(name, 37, value) + '   <<<<<<<<');
  const info = (name: string, value: string | number): string => line(host, 'INFO', '      ' + field(name, 37, value));
  for (let i = 0; i < opts.segments; i++) {
    const content = i >> 1;
    const primary = i % 2 === 0;
    const segHost = `sdw${((primary ? content : content + 1) % hostsCount) + 1}`;
    const dir = `/data/${primary ? 'primary' : 'mirror'}${(content % 4) + 1}/gpseg${content}`;
    const port = (primary ? 6000 : 7000) + (content % 4);
    const lsn = `${(content >> 8).toString(16).toUpperCase()}/${(0xc000000 + content * 0x1000).toString(16).toUpperCase()}`;
    out.push(
      line(host, 'INFO', RULE),
      line(host, 'INFO', '   Segment Info'),
      info('Hostname', segHost),
      info('Address', segHost),
      info('Datadir', dir),
      info('Port', port),
    );
    out.push(line(host, 'INFO', '   Mirroring Info'));
    out.push(
      info('Current role', primary ? 'Primary' : 'Mirror'),
      info('Preferred role', primary ? 'Primary' : 'Mirror'),
    );
    if (opts.allDown) out.push(warn('Mirror status', primary ? 'Not in sync' : 'Down'));
    else out.push(info('Mirror status', primary ? 'Synchronized' : 'Streaming'));
    out.push(line(host, 'INFO', '   Replication Info'));
    if (primary)
      out.push(
        info('Current write location', lsn),
        info('Bytes remaining to send to mirror', opts.allDown ? 'Unknown' : 0),
      );
    else
      out.push(
        info('WAL Sent Location', lsn),
        info('WAL Flush Location', lsn),
        info('WAL Replay Location', lsn),
        info('Bytes received but remain to flush', 0),
        info('Bytes received but remain to replay', 0),
      );
    out.push(line(host, 'INFO', '   Status'));
    if (opts.allDown) {
      out.push(
        warn('PID', 'Not found'),
        warn('Configuration reports status as', 'Down'),
        warn(primary ? 'Database status' : 'Segment status', 'Down'),
      );
    } else {
      out.push(
        info('PID', 29000 + i),
        info('Configuration reports status as', 'Up'),
        info(primary ? 'Database status' : 'Segment status', 'Up'),
      );
    }
  }
  if (opts.allDown) {
    out.push(
      line(host, 'WARNING', '*****************************************************'),
      line(host, 'WARNING', 'Warnings have been generated during status processing'),
      line(host, 'WARNING', 'Check log file or review screen output'),
      line(host, 'WARNING', '*****************************************************'),
    );
  }
  return out.join('\n') + '\n';
}

/** A `gpstate -f` style start, then one log line whose message is `bytes` long. */
export function oneLongLine(bytes: number): string {
  const head = line('mdw', 'INFO', 'Starting gpstate with args: -f') + '\n';
  const prefix = `${PREFIX_TIME} gpstate:mdw:gpadmin-[INFO]:-`;
  return head + prefix + 'x'.repeat(Math.max(0, bytes - head.length - prefix.length - 1)) + '\n';
}

/** `bytes` of printable text with no newline (a binary or corrupted capture); seeded, so every run is identical. */
export function noNewlines(bytes: number, seed = 7): string {
  let s = seed >>> 0;
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789 =:-[]<>/.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const parts: string[] = [];
  const block = 65536;
  let buf = '';
  for (let i = 0; i < bytes; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    buf += chars[(s >>> 16) % chars.length];
    if (buf.length === block) {
      parts.push(buf);
      buf = '';
    }
  }
  parts.push(buf);
  return parts.join('');
}
