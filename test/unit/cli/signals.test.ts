// gpcoord run as a process: SIGTERM and SIGHUP cancel a run as Ctrl-C does (the journal's run is finished, not left
// open), and `run check` needs no terminal and no --yes since it changes nothing. The hosts are a local TCP port
// that accepts and never answers, so the run is held in its first observation when the signal comes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJournal } from '../../../src/core/procedures/journal';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'cli.js');

interface Silent {
  server: Server;
  port: number;
  /** Resolves at the first connection. */
  connected: Promise<void>;
  close(): void;
}

async function silentPort(): Promise<Silent> {
  const sockets: Socket[] = [];
  let onConnect!: () => void;
  const connected = new Promise<void>(r => (onConnect = r));
  const server = createServer(s => {
    sockets.push(s);
    onConnect();
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    connected,
    close: () => {
      sockets.forEach(s => s.destroy());
      server.close();
    },
  };
}

function workspace(port: number): { dir: string; args: string[]; journal: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gpcoord-signals-'));
  writeFileSync(
    join(dir, 'inventory.yaml'),
    `clusters:
  lab:
    dataDirectory: /data/coordinator/gpseg-1
    port: 5432
    hosts:
      - { name: cdw, role: coordinator, ssh: 127.0.0.1, sshPort: ${port}, user: gpadmin }
      - { name: scdw, ssh: 127.0.0.1, sshPort: ${port}, user: gpadmin }
`,
  );
  writeFileSync(join(dir, 'ssh_config'), '');
  const journal = join(dir, 'journal.jsonl');
  return {
    dir,
    journal,
    args: [
      '--inventory',
      join(dir, 'inventory.yaml'),
      '--ssh-config',
      join(dir, 'ssh_config'),
      '--journal',
      journal,
      '--audit',
      join(dir, 'audit.jsonl'),
    ],
  };
}

function start(args: string[], dir: string) {
  const p = spawn(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...process.env, XDG_STATE_HOME: dir, HOME: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  p.stdout.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const ended = new Promise<{ code: number | null; out: string }>(r => p.on('close', code => r({ code, out })));
  return { p, ended };
}

describe('gpcoord run as a process (signals, no terminal)', function () {
  this.timeout(60000);
  before(function () {
    assert.ok(existsSync(CLI), `${CLI} is missing: run "npm run build" first`);
  });

  for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} cancels the run like Ctrl-C: the journal's run is finished (cancelled)`, async () => {
      const silent = await silentPort();
      try {
        const w = workspace(silent.port);
        // check changes nothing: it runs with stdin a pipe and without --yes.
        const run = start(['run', 'check', 'lab', ...w.args], w.dir);
        await silent.connected;
        run.p.kill(signal);
        const { code, out } = await run.ended;
        assert.match(out, new RegExp(`${signal}: cancelling`));
        assert.equal(code, 5, out);
        const journal = parseJournal(readFileSync(w.journal, 'utf8'));
        assert.deepEqual(
          journal.map(e => e.type),
          ['run-started', 'run-finished'],
          out,
        );
        assert.equal(journal[1]!.status, 'cancelled');
      } finally {
        silent.close();
      }
    });
  }

  it('a procedure that changes the cluster still needs a terminal or --yes', async () => {
    const w = workspace(9);
    const { code, out } = await start(['run', 'restore-mirroring', 'lab', ...w.args], w.dir).ended;
    assert.equal(code, 2);
    assert.match(out, /standard input is not a terminal.*--yes/);
  });
});
