// A fleet of simulated coordinator hosts for the bench: ssh2 servers in this separate process, one port each on
// 127.0.0.1, answering the observation the way real hosts do after a configurable delay (network round trip +
// host work): the exec probe with the probe's output, and the forwarded PostgreSQL socket with the protocol — the
// coordinator answers the probe's statements, the standby refuses sessions as a Greenplum standby does. Host 2k is
// the coordinator of cluster k, host 2k+1 its standby. `--slow K` (or a line `slow K` on stdin) makes cluster K's
// standby answer after 10 s.
// Prints one JSON line {"ports": […]} when every port listens; stops when its stdin closes.
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server, utils } from 'ssh2';
import type { Connection } from 'ssh2';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const HOSTS = arg('hosts', 2);
const NET_MS = arg('net', 20);
const HOST_MS = arg('host', 10);
/** The cluster whose standby answers after 10 s; `slow K` on stdin sets it, `slow -1` clears it. */
let SLOW = arg('slow', -1);
const STARTED = new Date().toISOString().replace('T', ' ').replace('Z', '+00');
const DIR = '/data/coordinator/gpseg-1';

const hostName = (i: number): string => `${i % 2 === 0 ? 'c' : 's'}${Math.floor(i / 2)}`;
const delayOf = (i: number): number => (Math.floor(i / 2) === SLOW && i % 2 === 1 ? 10_000 : NET_MS + HOST_MS);
const later = (ms: number, fn: () => void): void => void setTimeout(fn, ms);

function catalogRows(k: number): string[] {
  const seg = (dbid: number, role: string, host: string): string =>
    JSON.stringify({
      dbid,
      content: -1,
      role,
      preferred_role: role,
      mode: 's',
      status: 'u',
      port: 5432,
      hostname: host,
      address: host,
      datadir: DIR,
    });
  return [seg(1, 'p', `c${k}`), seg(10, 'm', `s${k}`)];
}

function replicationRow(k: number): string {
  return JSON.stringify({
    pid: 4000 + k,
    usename: 'gpadmin',
    application_name: 'gp_walreceiver',
    client_addr: '127.0.0.1',
    state: 'streaming',
    sent_lsn: '0/3000060',
    write_lsn: '0/3000060',
    flush_lsn: '0/3000060',
    replay_lsn: '0/3000060',
    sync_state: 'sync',
  });
}

/** The exec probe's output on host i (see src/engine/probe.ts). */
function probeOutput(i: number): string {
  const k = Math.floor(i / 2);
  const head = [
    `@gpc hostname ${hostName(i)}`,
    '@gpc dir 1',
    '@gpc pidfile 1',
    `@gpc pid ${3000 + i}`,
    '@gpc running 1',
    `@gpc lock 1 ${3000 + i} 1`,
    `@gpc lockdir ${DIR}`,
  ];
  if (i % 2 === 1) {
    return [
      ...head,
      '@gpc standby_signal 1',
      '@gpc cstate in archive recovery',
      '@gpc timeline 1',
      '@gpc psqlmsg psql: error: connection to server on socket "/tmp/.s.PGSQL.5432" failed: FATAL:  the database system is not accepting connections',
      '@gpc end',
      '',
    ].join('\n');
  }
  return [
    ...head,
    '@gpc cstate in production',
    '@gpc timeline 1',
    '@gpc recovery f',
    ...catalogRows(k).map(r => `@gpc seg ${r}`),
    '@gpc segsum 4 0 0',
    `@gpc repl ${replicationRow(k)}`,
    `@gpc started ${STARTED}`,
    '@gpc lsn 0/3000060',
    '@gpc end',
    '',
  ].join('\n');
}

// ---- the PostgreSQL side of a forwarded socket: just enough protocol for the session of src/engine/pgwire.ts

function msg(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string): Buffer => Buffer.from(`${s}\0`);
const int32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const int16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};

function resultOf(values: string[]): Buffer {
  const desc = msg(
    'T',
    Buffer.concat([int16(1), cstr('?column?'), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]),
  );
  const rows = values.map(v => {
    const b = Buffer.from(v);
    return msg('D', Buffer.concat([int16(1), int32(b.length), b]));
  });
  return Buffer.concat([desc, ...rows, msg('C', cstr(`SELECT ${values.length}`)), msg('Z', Buffer.from('I'))]);
}

/** The answer of the coordinator of cluster k to one of the probe's statements. */
function answer(sql: string, k: number): Buffer {
  if (sql.includes("'@gpc recovery")) return resultOf(['@gpc recovery false']);
  if (sql.includes("'@gpc seg ")) return resultOf(catalogRows(k).map(r => `@gpc seg ${r}`));
  if (sql.includes("'@gpc segsum")) return resultOf(['@gpc segsum 4 0 0']);
  if (sql.includes("'@gpc repl")) return resultOf([`@gpc repl ${replicationRow(k)}`]);
  if (sql.includes("'@gpc started")) return resultOf([`@gpc started ${STARTED}`]);
  if (sql.includes("'@gpc lsn")) return resultOf(['@gpc lsn 0/3000060']);
  return resultOf(['1']);
}

function servePostgres(stream: Duplex, i: number): void {
  let buf = Buffer.alloc(0);
  let started = false;
  stream.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      if (!started) {
        if (buf.length < 4 || buf.length < buf.readInt32BE(0)) break;
        buf = buf.subarray(buf.readInt32BE(0));
        started = true;
        if (i % 2 === 1) {
          out.push(
            msg(
              'E',
              Buffer.concat([
                cstr('SFATAL'),
                cstr('VFATAL'),
                cstr('C57P03'),
                cstr('Mthe database system is not accepting connections'),
                Buffer.from([0]),
              ]),
            ),
          );
          later(delayOf(i), () => stream.end(Buffer.concat(out)));
          return;
        }
        out.push(
          msg('R', int32(0)),
          msg('S', Buffer.concat([cstr('server_version'), cstr('12.12')])),
          msg('K', Buffer.concat([int32(1), int32(2)])),
          msg('Z', Buffer.from('I')),
        );
        continue;
      }
      if (buf.length < 5 || buf.length < buf.readInt32BE(1) + 1) break;
      const type = String.fromCharCode(buf[0]!);
      const body = buf.subarray(5, buf.readInt32BE(1) + 1);
      buf = buf.subarray(buf.readInt32BE(1) + 1);
      if (type === 'X') {
        stream.end();
        return;
      }
      if (type === 'Q') out.push(answer(body.toString('utf8', 0, body.length - 1), Math.floor(i / 2)));
    }
    if (out.length) later(delayOf(i), () => stream.write(Buffer.concat(out)));
  });
}

function serveConnection(client: Connection, i: number): void {
  client.on('authentication', ctx => ctx.accept());
  client.on('error', () => undefined);
  client.on('ready', () => {
    client.on('session', accept => {
      later(NET_MS, () => {
        const session = accept();
        session.on('exec', acceptExec => {
          const ch = acceptExec();
          later(delayOf(i), () => {
            ch.write(probeOutput(i));
            ch.exit(0);
            ch.end();
          });
        });
      });
    });
    client.on('openssh.streamlocal', accept => later(NET_MS, () => servePostgres(accept(), i)));
  });
}

async function main(): Promise<void> {
  const hostKey = utils.generateKeyPairSync('ed25519').private;
  const ports: number[] = [];
  for (let i = 0; i < HOSTS; i++) {
    const server = new Server({ hostKeys: [hostKey] }, client => serveConnection(client, i));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  process.stdin.on('end', () => process.exit(0));
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    for (const m of text.matchAll(/^slow (-?\d+)$/gm)) {
      SLOW = Number(m[1]);
      process.stdout.write(`${JSON.stringify({ slow: SLOW })}\n`);
    }
  });
}

void main();
