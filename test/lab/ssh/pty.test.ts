// PTY channels against a real sshd: the size the remote tty reports follows resize(), keyboard input reaches a
// prompting command (like the utilities' Yy|Nn questions), output is captured, the exit status comes back.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/pool';
import { RemoteExecError } from '../../../src/ssh/types';
import type { HostTarget, ShellSession } from '../../../src/ssh/types';
import { makeKey, processCount, Sshd, tempDir, waitFor } from './fixture';

describe('ssh PTY channels (real sshd)', function () {
  let dir: string;
  let home: string;
  let sshd: Sshd;
  let pool: SshPool;
  const host: HostTarget = { name: 'cdw', sshTarget: 'cdw' };

  before(async function () {
    dir = tempDir('pty');
    home = join(dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = makeKey(join(home, '.ssh'), 'id_ed25519');
    sshd = new Sshd({ address: '127.0.24.1', dir, authorizedKeys: [key.publicLine] });
    await sshd.start();
    writeFileSync(join(home, '.ssh', 'known_hosts'), sshd.knownHostsLine() + '\n');
    writeFileSync(join(home, '.ssh', 'config'), 'Host cdw\n  HostName 127.0.24.1\n  Port 2222\n');
  });

  beforeEach(function () {
    pool = new SshPool({ homeDir: home, agentSocket: '', globalKnownHostsFiles: [] });
  });

  afterEach(async function () {
    await pool.dispose();
  });

  after(async function () {
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const waitForOutput = (s: ShellSession, re: RegExp, from = 0): Promise<void> =>
    waitFor(`output matching ${re} (got ${JSON.stringify(s.output().slice(from))})`, () =>
      re.test(s.output().slice(from)),
    );

  it('reports the PTY size with stty size, follows resize, and returns the shell exit status', async function () {
    const shell = await pool.openShell(host, { cols: 80, rows: 24 });
    const seen: string[] = [];
    shell.onData(d => seen.push(d));
    let exitArgs: [number | null, string | null] | undefined;
    shell.onExit((c, s) => (exitArgs = [c, s]));
    shell.write('stty size; echo "term=$TERM"\n');
    await waitForOutput(shell, /24 80\r?\n.*term=xterm-256color/s);
    const mark = shell.output().length;
    shell.resize(132, 43);
    shell.write('stty size\n');
    await waitForOutput(shell, /43 132/, mark);
    shell.write('exit 7\n');
    const done = await shell.exited;
    assert.equal(done.exitCode, 7);
    assert.deepEqual(exitArgs, [7, null]);
    assert.equal(seen.join(''), shell.output(), 'listeners saw exactly what was captured');
    assert.equal(done.output, shell.output());
  });

  it('runs a command under a PTY, forwards typed answers to its prompt, and captures the output for parsing', async function () {
    const shell = await pool.openShell(host, {
      command: `read -r -p 'Do you want to continue with standby coordinator initialization? Yy|Nn (default=N): ' a; echo "answer=[$a]"; exit 3`,
      cols: 100,
      rows: 30,
      term: 'vt100',
    });
    await waitForOutput(shell, /Yy\|Nn \(default=N\): $/);
    shell.write('y\r');
    const done = await shell.exited;
    assert.equal(done.exitCode, 3);
    assert.match(done.output, /answer=\[y\]/);
    assert.equal(pool.stats().byHost.cdw?.execs, 1);
  });

  it('close() ends the session; a dropped connection rejects exited with connection-lost', async function () {
    const marker = `ptymark${process.pid}`;
    const shell = await pool.openShell(host, { command: `echo ready; exec -a ${marker} sleep 30`, cols: 80, rows: 24 });
    await waitForOutput(shell, /ready/);
    assert.equal(processCount(`^${marker}`), 1);
    shell.close();
    const done = await shell.exited;
    assert.match(done.output, /ready/);
    await waitFor('the PTY command to be hung up on the host', () => processCount(`^${marker}`) === 0);

    const second = await pool.openShell(host, { cols: 80, rows: 24 });
    second.write('echo live\n');
    await waitForOutput(second, /live/);
    sshd.dropConnections();
    const e = await second.exited.then(
      () => assert.fail('must reject'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RemoteExecError);
    assert.equal(e.kind, 'connection-lost');
    assert.match(e.partial?.stdout ?? '', /live/);
    // The pool opens a new connection for the next terminal.
    const third = await pool.openShell(host, { command: 'echo again', cols: 80, rows: 24 });
    assert.match((await third.exited).output, /again/);
    assert.equal(pool.stats().byHost.cdw?.connectionsOpened, 2);
  });
});
