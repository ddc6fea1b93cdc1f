// `npm run lab -- <command>`: up, down, status, fault, ssh. See docs/lab.md.
import { spawnSync } from 'node:child_process';
import { stop as stopEsbuild } from 'esbuild';
import { FAULTS, defaultLabDir, down, fault, readLab, status, up } from './lab';
import type { FaultName, LabKind, Product, Scenario, Vocabulary } from './lab';

const HELP = `Usage: npm run lab -- <command> [options]

  up [--scenario healthy|after-failover] [--vocabulary master|coordinator] [--product greenplum|cloudberry]
     [--hosts N] [--subnet X] [--dir D]      start a lab (127.0.X.1 cdw, 127.0.X.2 scdw, ..., 127.0.X.254 bastion)
  up --greenplum real [--scenario S] [--subnet X] [--dir D]
                                             real Greenplum 6 (npm run greenplum -- build first): cdw, scdw, sdw1
                                             in their own network namespaces on 10.99.X.0/24, sshd on port 22
  down   [--subnet X | --dir D]              stop everything the lab started
  status [--subnet X | --dir D]              hosts, sshd and PostgreSQL roles
  fault <name> [host] [--subnet X | --dir D] inject a fault: ${FAULTS.join(', ')}
  ssh <host> [command...] [--subnet X | --dir D]   ssh -F <lab>/ssh_config <host> as gpadmin

The default run directory is .lab/<subnet> (subnet 10).`;

function parse(argv: string[]): { positional: string[]; options: Map<string, string> } {
  const positional: string[] = [];
  const options = new Map<string, string>();
  const known = new Set(['--scenario', '--vocabulary', '--product', '--hosts', '--subnet', '--dir', '--greenplum']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      positional.unshift('help');
      continue;
    }
    if (a.startsWith('--') && positional[0] !== 'ssh') {
      const [name, inline] = a.split('=', 2) as [string, string | undefined];
      if (!known.has(name)) throw new Error(`unknown option ${name}\n\n${HELP}`);
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`option ${name} needs a value`);
      options.set(name, value);
    } else if (
      positional[0] === 'ssh' &&
      positional.length >= 2 &&
      (a === '--subnet' || a === '--dir') &&
      argv[i + 1] !== undefined
    ) {
      options.set(a, argv[++i]!);
    } else positional.push(a);
  }
  return { positional, options };
}

function numberOption(options: Map<string, string>, name: string): number | undefined {
  const v = options.get(name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number, got "${v}"`);
  return Number(v);
}

async function mainCli(): Promise<number> {
  const { positional, options } = parse(process.argv.slice(2));
  const command = positional[0] ?? 'help';
  const subnet = numberOption(options, '--subnet');
  const dir = options.get('--dir') ?? defaultLabDir(subnet ?? 10);
  switch (command) {
    case 'help':
      console.log(HELP);
      return 0;
    case 'up': {
      const t0 = Date.now();
      const lab = await up({
        dir: options.get('--dir'),
        subnet,
        hosts: numberOption(options, '--hosts'),
        scenario: options.get('--scenario') as Scenario | undefined,
        vocabulary: options.get('--vocabulary') as Vocabulary | undefined,
        product: options.get('--product') as Product | undefined,
        greenplum: options.get('--greenplum') as LabKind | undefined,
      });
      // esbuild's service process would outlive this short-lived command as an unreaped child.
      await stopEsbuild();
      console.log(
        `Lab is up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${options.get('--scenario') ?? 'healthy'}, ${lab.greenplum === 'real' ? 'real Greenplum' : 'emulated utilities'}, ${lab.vocabulary} vocabulary).`,
      );
      console.log(`  run directory : ${lab.dir}`);
      console.log(`  ssh config    : ${lab.sshConfigPath}`);
      console.log(`  inventory     : ${lab.inventoryPath} (cluster "${lab.clusterName}")`);
      console.log(`  identity      : ${lab.identityFile}`);
      console.log(`  known_hosts   : ${lab.knownHostsPath} (hashed: ${lab.knownHostsHashedPath})`);
      for (const h of [...lab.hosts, lab.bastion])
        console.log(`  ${h.name.padEnd(8)}: ${h.address}:${h.sshPort}  ${h.hostKeyFingerprint}`);
      console.log(
        `Try: ssh -F ${lab.sshConfigPath} ${lab.hosts[0]!.name} 'source $GPHOME/${lab.environmentScript.split('/').pop()} && gpstate -f'`,
      );
      return 0;
    }
    case 'down':
      await down(dir);
      console.log(`Lab in ${dir} stopped.`);
      return 0;
    case 'status': {
      const lab = await readLab(dir);
      for (const h of status(lab)) {
        console.log(
          `${h.name.padEnd(8)} ${h.address.padEnd(14)} sshd ${h.sshd.padEnd(4)} postgres ${h.postgres.padEnd(11)}${h.name === lab.bastion.name ? '' : ` data directory ${h.dataDirectoryPresent ? 'present' : 'absent'}`}`,
        );
      }
      return 0;
    }
    case 'fault': {
      const name = positional[1];
      if (!name || !FAULTS.includes(name as FaultName)) throw new Error(`fault needs one of: ${FAULTS.join(', ')}`);
      await fault(await readLab(dir), name as FaultName, positional[2]);
      console.log(`Fault ${name} injected${positional[2] ? ` on ${positional[2]}` : ''}.`);
      return 0;
    }
    case 'ssh': {
      const lab = await readLab(dir);
      const host = positional[1];
      if (!host) throw new Error('ssh needs a host name');
      const r = spawnSync(
        'ssh',
        ['-F', lab.sshConfigPath, ...(positional.length > 2 ? [] : ['-t']), host, ...positional.slice(2)],
        { stdio: 'inherit' },
      );
      return r.status ?? 1;
    }
    default:
      throw new Error(`unknown command "${command}"\n\n${HELP}`);
  }
}

mainCli().then(
  code => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
