// "Greenplum: Add Cluster…": a quick-input wizard (name; for each host its Greenplum name, ssh target and user, data
// directory and port; GPHOME; version) that adds the cluster to greenplum-clusters.yaml and opens it. Each answer is
// validated with the inventory's own schema; every answer has a default, so Enter walks through a standard pair.
import * as vscode from 'vscode';
import {
  absolutePathSchema,
  clusterNameSchema,
  hostNameSchema,
  hostSchema,
  sshTargetSchema,
} from '../../core/inventory';
import type { Services } from '../services';
import { INVENTORY_FILE_NAME, inventoryFiles, loadInventory } from '../inventory/load-inventory';
import { addClusterToInventory } from '../inventory/write-inventory';
import type { NewCluster } from '../inventory/write-inventory';

/** Optional answers, so the wizard can be driven without prompts (tests, links). */
export interface AddClusterArgs extends Partial<NewCluster> {
  file?: string;
}

/** `what` names the answer and takes the schema's reason as {0}, e.g. "The host name {0}". */
function validator(
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } },
  what: (reason: string) => string,
) {
  return (value: string): string | undefined => {
    const r = schema.safeParse(value.trim());
    return r.success ? undefined : what(r.error?.issues[0]?.message ?? vscode.l10n.t('is not valid'));
  };
}

const STEPS = 11;

async function ask(
  title: string,
  step: number,
  prompt: string,
  value: string,
  validate: (v: string) => string | undefined,
): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({
    title: vscode.l10n.t('Add Cluster ({0}/{1}): {2}', step, STEPS, title),
    prompt,
    value,
    validateInput: validate,
    ignoreFocusOut: true,
  });
  return answer?.trim();
}

const userSchema = hostSchema.shape.user.unwrap();

/** "[user@]target": how to reach a host over ssh; an empty user means the ssh config's User, else gpadmin. */
function parseReach(text: string): { ssh: string; user: string | undefined } {
  const at = text.lastIndexOf('@');
  return at > 0 ? { user: text.slice(0, at), ssh: text.slice(at + 1) } : { user: undefined, ssh: text };
}

function reachCheck(value: string): string | undefined {
  const { ssh, user } = parseReach(value.trim());
  if (user !== undefined && !userSchema.safeParse(user).success)
    return vscode.l10n.t('The user before "@" must be a Unix user name, e.g. gpadmin');
  const r = sshTargetSchema.safeParse(ssh);
  return r.success
    ? undefined
    : vscode.l10n.t('The ssh target {0}', r.error.issues[0]?.message ?? vscode.l10n.t('is not valid'));
}

const portCheck = (v: string) =>
  /^\d{1,5}$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535
    ? undefined
    : vscode.l10n.t('The port must be a number from 1 to 65535');
const pathCheck = validator(absolutePathSchema, reason => vscode.l10n.t('The data directory {0}', reason));

interface HostAnswers {
  name: string;
  reach: { ssh: string; user: string | undefined };
  dataDirectory: string;
  port: number;
}

/** Name, how to reach it, data directory and port of one host (steps first…first+3); undefined when cancelled. */
async function askHost(
  given: AddClusterArgs,
  which: 'coordinator' | 'standby',
  first: number,
  defaults: { dataDirectory: string; port: number },
  other?: string,
): Promise<HostAnswers | undefined> {
  const hostCheck = validator(hostNameSchema, reason => vscode.l10n.t('The host name {0}', reason));
  const isCoordinator = which === 'coordinator';
  const name =
    (isCoordinator ? given.coordinatorHost : given.standbyHost) ??
    (await ask(
      isCoordinator ? vscode.l10n.t('Original coordinator host') : vscode.l10n.t('Standby host'),
      first,
      isCoordinator
        ? vscode.l10n.t('The host the coordinator (master) was built on, as Greenplum knows it, e.g. cdw or mdw')
        : vscode.l10n.t('The host of the standby coordinator (standby master), e.g. scdw or smdw'),
      isCoordinator ? 'cdw' : 'scdw',
      v =>
        hostCheck(v) ??
        (other !== undefined && v.trim() === other
          ? vscode.l10n.t('The standby must be on a different host from the coordinator')
          : undefined),
    ));
  if (!name) return undefined;
  const givenSsh = isCoordinator ? given.coordinatorSsh : given.standbySsh;
  const givenUser = isCoordinator ? given.coordinatorUser : given.standbyUser;
  const reachText =
    givenSsh !== undefined || given.name !== undefined
      ? `${givenUser ? `${givenUser}@` : ''}${givenSsh ?? name}`
      : await ask(
          vscode.l10n.t('How to reach {0}', name),
          first + 1,
          vscode.l10n.t(
            "The ssh target: an ~/.ssh/config alias or host name, optionally with the user (gpadmin@{0}). Leave the user out to use the ssh config's User, else gpadmin.",
            name,
          ),
          name,
          reachCheck,
        );
  if (!reachText) return undefined;
  const dirGiven = isCoordinator
    ? given.dataDirectory
    : (given.standbyDataDirectory ?? (given.name !== undefined ? defaults.dataDirectory : undefined));
  const dataDirectory =
    dirGiven ??
    (await ask(
      vscode.l10n.t('Data directory on {0}', name),
      first + 2,
      vscode.l10n.t('COORDINATOR_DATA_DIRECTORY (MASTER_DATA_DIRECTORY on Greenplum 5/6) on {0}', name),
      defaults.dataDirectory,
      pathCheck,
    ));
  if (!dataDirectory) return undefined;
  const portGiven = isCoordinator
    ? given.port
    : (given.standbyPort ?? (given.name !== undefined ? defaults.port : undefined));
  const portText =
    portGiven !== undefined
      ? String(portGiven)
      : await ask(
          vscode.l10n.t('Port on {0}', name),
          first + 3,
          vscode.l10n.t('PGPORT of the coordinator instance on {0}', name),
          String(defaults.port),
          portCheck,
        );
  if (!portText) return undefined;
  return { name, reach: parseReach(reachText), dataDirectory, port: Number(portText) };
}

async function askVersion(given: AddClusterArgs): Promise<Pick<NewCluster, 'vocabulary' | 'product'> | undefined> {
  if (given.vocabulary) return { vocabulary: given.vocabulary, product: given.product ?? 'auto' };
  const picked = await vscode.window.showQuickPick(
    [
      {
        label: vscode.l10n.t('Detect from the output'),
        description: vscode.l10n.t('recommended'),
        value: { vocabulary: 'auto', product: 'auto' } as const,
      },
      {
        label: vscode.l10n.t('Greenplum 5 or 6'),
        description: vscode.l10n.t('says "master" (gpstate: Standby master details)'),
        value: { vocabulary: 'master', product: 'greenplum' } as const,
      },
      {
        label: vscode.l10n.t('Greenplum 7'),
        description: vscode.l10n.t('says "coordinator"'),
        value: { vocabulary: 'coordinator', product: 'greenplum' } as const,
      },
      {
        label: vscode.l10n.t('Apache Cloudberry'),
        description: vscode.l10n.t('says "coordinator"'),
        value: { vocabulary: 'coordinator', product: 'cloudberry' } as const,
      },
    ],
    {
      title: vscode.l10n.t('Add Cluster ({0}/{1}): {2}', STEPS, STEPS, vscode.l10n.t('Greenplum version')),
      placeHolder: vscode.l10n.t('Which product and version runs this cluster?'),
      ignoreFocusOut: true,
    },
  );
  return picked?.value;
}

export async function addCluster(services: Services, arg?: unknown): Promise<string | undefined> {
  const given: AddClusterArgs = typeof arg === 'object' && arg !== null ? (arg as AddClusterArgs) : {};
  const existing = new Set((await loadInventory()).clusters.map(c => c.cluster.name));
  const nameCheck = validator(clusterNameSchema, reason => vscode.l10n.t('The cluster name {0}', reason));
  const name =
    given.name ??
    (await ask(
      vscode.l10n.t('Cluster name'),
      1,
      vscode.l10n.t('A short name for the cluster, e.g. prod-dw'),
      '',
      v =>
        nameCheck(v) ??
        (existing.has(v.trim()) ? vscode.l10n.t('A cluster named "{0}" exists already', v.trim()) : undefined),
    ));
  if (!name) return undefined;
  // Each host has its own name, ssh target and user, data directory and port; the standby's default to the coordinator's.
  const coordinator = await askHost({ ...given, name: given.name ?? undefined }, 'coordinator', 2, {
    dataDirectory: '/data/coordinator/gpseg-1',
    port: 5432,
  });
  if (!coordinator) return undefined;
  const standby = await askHost(
    given,
    'standby',
    6,
    { dataDirectory: coordinator.dataDirectory, port: coordinator.port },
    coordinator.name,
  );
  if (!standby) return undefined;
  const gphome =
    given.gphome ??
    (given.name !== undefined
      ? ''
      : await ask(
          vscode.l10n.t('GPHOME (optional)'),
          10,
          vscode.l10n.t(
            'Where Greenplum is installed on the hosts, e.g. /usr/local/greenplum-db. Leave empty to find greenplum_path.sh or cloudberry-env.sh the usual way.',
          ),
          '',
          v => (v.trim() ? validator(absolutePathSchema, reason => vscode.l10n.t('GPHOME {0}', reason))(v) : undefined),
        ));
  if (gphome === undefined) return undefined;
  const version = await askVersion(given);
  if (!version) return undefined;

  const target = await chooseFile(given.file);
  if (!target) return undefined;
  // A missing file is simply a new inventory.
  const current = await vscode.workspace.fs.readFile(target).then(
    bytes => new TextDecoder('utf-8').decode(bytes),
    () => '',
  );
  const label = vscode.workspace.asRelativePath(target);
  const header = current.trim() ? '' : '# Greenplum / Cloudberry clusters for the Greenplum Coordinator extension.\n';
  const result = addClusterToInventory(
    current,
    {
      name,
      coordinatorHost: coordinator.name,
      standbyHost: standby.name,
      dataDirectory: coordinator.dataDirectory,
      port: coordinator.port,
      ...version,
      gphome: gphome || undefined,
      coordinatorSsh: coordinator.reach.ssh,
      coordinatorUser: coordinator.reach.user,
      standbySsh: standby.reach.ssh,
      standbyUser: standby.reach.user,
      standbyDataDirectory: standby.dataDirectory,
      standbyPort: standby.port,
    },
    label,
  );
  if (!result.ok) throw new Error(result.message);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(header + result.text));
  services.output.info(`added cluster "${name}" (${coordinator.name}, ${standby.name}) to ${target.fsPath}`);
  await services.refreshClusters();
  const document = await vscode.workspace.openTextDocument(target);
  await vscode.window.showTextDocument(document, { preview: false });
  return target.fsPath;
}

async function chooseFile(given: string | undefined): Promise<vscode.Uri | undefined> {
  if (given) return vscode.Uri.file(given);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const files = await inventoryFiles();
  if (!files.length) {
    if (!folder)
      throw new Error(
        vscode.l10n.t(
          'open a folder first: the cluster is saved to {0} in the workspace (or add a path to the {1} setting)',
          INVENTORY_FILE_NAME,
          'greenplumCoordinator.inventoryPaths',
        ),
      );
    return vscode.Uri.joinPath(folder.uri, INVENTORY_FILE_NAME);
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(
    files.map(uri => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { title: vscode.l10n.t('Add Cluster: which inventory file?') },
  );
  return picked?.uri;
}
