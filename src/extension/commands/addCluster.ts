// "Greenplum: Add Cluster…": a short quick-input wizard (name, the two hosts, data directory, port, version) that
// adds the cluster to greenplum-clusters.yaml and opens it. Each answer is validated with the inventory's own schema.
import * as vscode from 'vscode';
import { absolutePathSchema, clusterNameSchema, hostNameSchema } from '../../core/inventory';
import type { Services } from '../services';
import { INVENTORY_FILE_NAME, inventoryFiles, loadInventory } from '../inventory/loadInventory';
import { addClusterToInventory } from '../inventory/writeInventory';
import type { NewCluster } from '../inventory/writeInventory';

/** Optional answers, so the wizard can be driven without prompts (tests, links). */
export interface AddClusterArgs extends Partial<NewCluster> {
  file?: string;
}

/** `what` names the answer and takes the schema's reason as {0}, e.g. "The host name {0}". */
function validator(schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string }> } } }, what: (reason: string) => string) {
  return (value: string): string | undefined => {
    const r = schema.safeParse(value.trim());
    return r.success ? undefined : what(r.error?.issues[0]?.message ?? vscode.l10n.t('is not valid'));
  };
}

async function ask(title: string, step: number, prompt: string, value: string, validate: (v: string) => string | undefined): Promise<string | undefined> {
  const answer = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Cluster ({0}/6): {1}', step, title), prompt, value, validateInput: validate, ignoreFocusOut: true });
  return answer?.trim();
}

export async function addCluster(services: Services, arg?: unknown): Promise<string | undefined> {
  const given: AddClusterArgs = typeof arg === 'object' && arg !== null ? (arg as AddClusterArgs) : {};
  const existing = new Set((await loadInventory()).clusters.map((c) => c.cluster.name));
  const nameCheck = validator(clusterNameSchema, (reason) => vscode.l10n.t('The cluster name {0}', reason));

  const name = given.name ?? await ask(vscode.l10n.t('Cluster name'), 1, vscode.l10n.t('A short name for the cluster, e.g. prod-dw'), '', (v) => nameCheck(v) ?? (existing.has(v.trim()) ? vscode.l10n.t('A cluster named "{0}" exists already', v.trim()) : undefined));
  if (!name) return undefined;
  const hostCheck = validator(hostNameSchema, (reason) => vscode.l10n.t('The host name {0}', reason));
  const coordinatorHost = given.coordinatorHost ?? await ask(vscode.l10n.t('Original coordinator host'), 2, vscode.l10n.t('The host the coordinator (master) was built on, as Greenplum knows it, e.g. cdw or mdw'), 'cdw', hostCheck);
  if (!coordinatorHost) return undefined;
  const standbyHost = given.standbyHost ?? await ask(vscode.l10n.t('Standby host'), 3, vscode.l10n.t('The host of the standby coordinator (standby master), e.g. scdw or smdw'), 'scdw',
    (v) => hostCheck(v) ?? (v.trim() === coordinatorHost ? vscode.l10n.t('The standby must be on a different host from the coordinator') : undefined));
  if (!standbyHost) return undefined;
  const dataDirectory = given.dataDirectory ?? await ask(vscode.l10n.t('Coordinator data directory'), 4, vscode.l10n.t('COORDINATOR_DATA_DIRECTORY (MASTER_DATA_DIRECTORY on Greenplum 5/6), the same on both hosts'), '/data/coordinator/gpseg-1',
    validator(absolutePathSchema, (reason) => vscode.l10n.t('The data directory {0}', reason)));
  if (!dataDirectory) return undefined;
  const portText = given.port !== undefined ? String(given.port) : await ask(vscode.l10n.t('Coordinator port'), 5, vscode.l10n.t('PGPORT of the coordinator'), '5432', (v) => /^\d{1,5}$/.test(v.trim()) && Number(v) >= 1 && Number(v) <= 65535 ? undefined : vscode.l10n.t('The port must be a number from 1 to 65535'));
  if (!portText) return undefined;
  let version: Pick<NewCluster, 'vocabulary' | 'product'> | undefined = given.vocabulary ? { vocabulary: given.vocabulary, product: given.product ?? 'auto' } : undefined;
  if (!version) {
    const picked = await vscode.window.showQuickPick([
      { label: vscode.l10n.t('Detect from the output'), description: vscode.l10n.t('recommended'), value: { vocabulary: 'auto', product: 'auto' } as const },
      { label: vscode.l10n.t('Greenplum 5 or 6'), description: vscode.l10n.t('says "master" (gpstate: Standby master details)'), value: { vocabulary: 'master', product: 'greenplum' } as const },
      { label: vscode.l10n.t('Greenplum 7'), description: vscode.l10n.t('says "coordinator"'), value: { vocabulary: 'coordinator', product: 'greenplum' } as const },
      { label: vscode.l10n.t('Apache Cloudberry'), description: vscode.l10n.t('says "coordinator"'), value: { vocabulary: 'coordinator', product: 'cloudberry' } as const },
    ], { title: vscode.l10n.t('Add Cluster ({0}/6): {1}', 6, vscode.l10n.t('Greenplum version')), placeHolder: vscode.l10n.t('Which product and version runs this cluster?'), ignoreFocusOut: true });
    if (!picked) return undefined;
    version = picked.value;
  }

  const target = await chooseFile(given.file);
  if (!target) return undefined;
  // A missing file is simply a new inventory.
  const current = await vscode.workspace.fs.readFile(target).then((bytes) => new TextDecoder('utf-8').decode(bytes), () => '');
  const label = vscode.workspace.asRelativePath(target);
  const header = current.trim() ? '' : '# Greenplum / Cloudberry clusters for the Greenplum Coordinator extension.\n';
  const result = addClusterToInventory(current, { name, coordinatorHost, standbyHost, dataDirectory, port: Number(portText), ...version }, label);
  if (!result.ok) throw new Error(result.message);
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(header + result.text));
  services.output.info(`added cluster "${name}" (${coordinatorHost}, ${standbyHost}) to ${target.fsPath}`);
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
    if (!folder) throw new Error(vscode.l10n.t('open a folder first: the cluster is saved to {0} in the workspace (or add a path to the {1} setting)', INVENTORY_FILE_NAME, 'greenplumCoordinator.inventoryPaths'));
    return vscode.Uri.joinPath(folder.uri, INVENTORY_FILE_NAME);
  }
  if (files.length === 1) return files[0];
  const picked = await vscode.window.showQuickPick(files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), { title: vscode.l10n.t('Add Cluster: which inventory file?') });
  return picked?.uri;
}
