// Keys, known_hosts, the clients' ssh config and the inventory a run writes.
import { chmodSync, chownSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hostDir } from './layout';
import type { Lab, LabHost } from './layout';
import { runAsync, sh, userIds } from './process';

export async function generateKeys(dir: string, names: string[]): Promise<void> {
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true });
  const jobs = [['id_ed25519', 'gpadmin@lab'], ...names.map(n => [`ssh_host_${n}_ed25519`, `root@${n}`])].map(
    ([file, comment]) =>
      runAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment!, '-f', join(keys, file!)]),
  );
  for (const r of await Promise.all(jobs)) if (r.code !== 0) throw new Error(`lab: ssh-keygen failed: ${r.stderr}`);
  copyFileSync(join(keys, 'id_ed25519.pub'), join(keys, 'authorized_keys'));
  chmodSync(keys, 0o755);
  chmodSync(join(keys, 'authorized_keys'), 0o644);
}

export function fingerprint(pubKeyFile: string): string {
  return sh('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubKeyFile]).stdout.split(' ')[1] ?? '';
}

/** Host names a known_hosts line carries for one host: what `ssh -F` looks up, and the alias. */
export function knownHostNames(h: LabHost): string[] {
  // ssh writes a host on the standard port without brackets or port.
  return h.sshPort === 22 ? [h.address, h.name] : [`[${h.address}]:${h.sshPort}`, `[${h.name}]:${h.sshPort}`];
}

const networkOf = (lab: Lab, subnet: number): string =>
  lab.greenplum === 'real' ? `10.99.${subnet}.0/24 (real Greenplum)` : `127.0.${subnet}.0/24`;

export function writeClientFiles(lab: Lab, subnet: number): void {
  const all = [...lab.hosts, lab.bastion];
  const pub = (name: string): string =>
    readFileSync(join(lab.dir, 'keys', `ssh_host_${name}_ed25519.pub`), 'utf8')
      .trim()
      .split(' ')
      .slice(0, 2)
      .join(' ');
  const known = all.map(h => `${knownHostNames(h).join(',')} ${pub(h.name)}`).join('\n') + '\n';
  writeFileSync(lab.knownHostsPath, known);
  writeFileSync(lab.knownHostsHashedPath, known);
  sh('ssh-keygen', ['-H', '-f', lab.knownHostsHashedPath]);
  rmSync(lab.knownHostsHashedPath + '.old', { force: true });
  const entry = (alias: string, h: LabHost, extra: string[] = []): string =>
    [
      `Host ${alias}`,
      `  HostName ${h.address}`,
      `  Port ${h.sshPort}`,
      `  User ${lab.user}`,
      `  IdentityFile ${lab.identityFile}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${lab.knownHostsPath}`,
      '  StrictHostKeyChecking yes',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '  LogLevel ERROR',
      ...extra,
      '',
    ].join('\n');
  const config = [
    `# ssh config of the Greenplum test lab on ${networkOf(lab, subnet)} (${lab.dir}).`,
    '# Use it with `ssh -F <this file> cdw`; clients that read ~/.ssh/config must be pointed at this file instead.',
    '',
    ...all.map(h => entry(h.name, h)),
    ...lab.hosts.map(h => entry(`${h.name}-via-bastion`, h, [`  ProxyJump ${lab.bastion.name}`])),
  ].join('\n');
  writeFileSync(lab.sshConfigPath, config);
  // The ssh client refuses a config file that others can write.
  chmodSync(lab.sshConfigPath, 0o644);
  // gpadmin's hosts trust each other with the same known_hosts.
  for (const h of lab.hosts.concat(lab.bastion)) {
    const target = join(hostDir(lab.dir, h.name), 'home', '.ssh', 'known_hosts');
    const self = lab.greenplum === 'real' ? [`localhost,127.0.0.1 ${pub(h.name)}`] : [];
    writeFileSync(
      target,
      [...all.map(x => `${[...knownHostNames(x), x.name, x.address].join(',')} ${pub(x.name)}`), ...self].join('\n') +
        '\n',
    );
    const { uid, gid } = userIds();
    chownSync(target, uid, gid);
  }
  const inventory = {
    version: 1,
    clusters: {
      [lab.clusterName]: {
        description: `Test lab on ${networkOf(lab, subnet)}; ssh aliases resolve through ${lab.sshConfigPath}`,
        vocabulary: lab.vocabulary,
        product: lab.environmentScript.endsWith('cloudberry-env.sh') ? 'cloudberry' : 'greenplum',
        gphome: lab.gphome,
        environmentScript: lab.environmentScript,
        dataDirectory: lab.dataDirectory,
        port: lab.pgPort,
        // A real lab's segment host (sdw1) is no coordinator host: the inventory lists cdw and scdw.
        hosts: (lab.greenplum === 'real' ? lab.hosts.slice(0, 2) : lab.hosts).map((h, i) => ({
          name: h.name,
          ...(i === 0 ? { role: 'coordinator' } : i === 1 ? { role: 'standby' } : {}),
          ssh: h.name,
          user: lab.user,
          sshPort: h.sshPort,
          identityFile: lab.identityFile,
        })),
      },
    },
  };
  writeFileSync(
    lab.inventoryPath,
    `# Written by \`npm run lab -- up\`. Point ssh clients at ${lab.sshConfigPath}.\n` + stringify(inventory),
  );
}
