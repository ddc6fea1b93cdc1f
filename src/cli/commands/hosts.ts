// `gpcoord hosts <cluster>`: the cluster's hosts as the inventory and ~/.ssh/config resolve them, without connecting.
import type { CliCommand } from '../args';
import { EXIT_USAGE } from '../args';
import { hostTarget } from '../../engine/observe';
import { COMMON_OPTIONS, COMMON_VALUE_OPTIONS, openSession, readArgs, usageError } from '../preamble';

const USAGE = `Usage: gpcoord hosts <cluster> [--json] [--inventory FILE] [--ssh-config FILE]

Lists the cluster's coordinator hosts: original role, data directory and port, and how ssh reaches each
(user, address, port, identity files, jump hosts) after ~/.ssh/config. Nothing is connected to.

  --json              print the list as JSON
${COMMON_OPTIONS}

Exit status: 0 listed, 2 bad usage or inventory.`;

async function run(argv: string[]): Promise<number> {
  const read = readArgs('hosts', USAGE, argv, { valueOptions: [...COMMON_VALUE_OPTIONS], flags: ['json'] });
  if ('exit' in read) return read.exit;
  const { positionals, flags } = read.args;
  if (positionals.length !== 1)
    return usageError(
      'hosts',
      USAGE,
      positionals.length ? `unexpected argument "${positionals[1]}"` : 'missing <cluster>',
    );
  const opened = openSession('hosts', positionals[0]!, read.args);
  if (!opened) return EXIT_USAGE;
  const {
    session: { cluster },
    pool,
  } = opened;
  try {
    const rows = cluster.hosts.map(h => {
      const r = pool.resolve(hostTarget(h));
      return {
        name: h.name,
        role: h.role,
        dataDirectory: h.dataDirectory,
        port: h.port,
        ssh: {
          target: h.sshTarget,
          user: r.user,
          hostName: r.hostName,
          port: r.port,
          identityFiles: r.identityFiles,
          identityFilesAreDefaults: r.identityFilesAreDefaults,
          proxyJump: r.proxyJump.map(j => j.target),
        },
      };
    });
    if (flags.has('json')) process.stdout.write(`${JSON.stringify({ cluster: cluster.name, hosts: rows }, null, 2)}\n`);
    else {
      process.stdout.write(
        `Cluster ${cluster.name} (${cluster.config.vocabulary} vocabulary${cluster.config.environmentScript ? `, environment ${cluster.config.environmentScript}` : cluster.config.gphome ? `, GPHOME ${cluster.config.gphome}` : ''})\n`,
      );
      for (const r of rows) {
        const jump = r.ssh.proxyJump.length ? ` via ${r.ssh.proxyJump.join(',')}` : '';
        process.stdout.write(
          `  ${r.name.padEnd(12)} original ${r.role.padEnd(12)} ${r.dataDirectory} port ${r.port}   ssh ${r.ssh.user}@${r.ssh.hostName}:${r.ssh.port}${jump}${r.ssh.identityFilesAreDefaults ? ' (default keys, agent)' : r.ssh.identityFiles.length ? ` key ${r.ssh.identityFiles.join(',')}` : ''}\n`,
        );
      }
    }
    return 0;
  } finally {
    await pool.dispose();
  }
}

export const hostsCommand: CliCommand = {
  summary: "list a cluster's coordinator hosts and how ssh reaches them (no connection)",
  usage: USAGE,
  run,
};
