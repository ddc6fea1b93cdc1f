// Adds a cluster to an inventory file's text, keeping the comments and layout already there (yaml Document API),
// and checks the result against the inventory schema before anything is written. Pure: text in, text out.
import { isMap, parseDocument } from 'yaml';
import { parseInventory } from '../../core/inventory';
import { l10n } from '../l10n';

export interface NewCluster {
  name: string;
  coordinatorHost: string;
  standbyHost: string;
  dataDirectory: string;
  port: number;
  vocabulary: 'auto' | 'master' | 'coordinator';
  product: 'auto' | 'greenplum' | 'cloudberry';
  description?: string | undefined;
  /** Where Greenplum is installed on the hosts, when the environment script is not found by itself. */
  gphome?: string | undefined;
  /** How to reach each host: an ~/.ssh/config alias or host name, and the login user (defaults: the name, gpadmin). */
  coordinatorSsh?: string | undefined;
  coordinatorUser?: string | undefined;
  standbySsh?: string | undefined;
  standbyUser?: string | undefined;
  /** The standby host's own data directory and port, when they differ from the coordinator's. */
  standbyDataDirectory?: string | undefined;
  standbyPort?: number | undefined;
}

/** One host's entry: only what differs from the defaults is written. */
function hostEntry(
  name: string,
  role: 'coordinator' | 'standby',
  ssh: string | undefined,
  user: string | undefined,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, role, ...(ssh && ssh !== name ? { ssh } : {}), ...(user ? { user } : {}), ...overrides };
}

export type AddClusterResult = { ok: true; text: string } | { ok: false; message: string };

export function addClusterToInventory(existing: string, cluster: NewCluster, fileLabel: string): AddClusterResult {
  const doc = parseDocument(existing.trim() ? existing : 'version: 1\nclusters: {}\n');
  if (doc.errors.length)
    return {
      ok: false,
      message: l10n.t(
        '{0} is not valid YAML ({1}); fix it first, then add the cluster',
        fileLabel,
        doc.errors[0]!.message.split('\n')[0] ?? '',
      ),
    };
  if (!isMap(doc.contents))
    return {
      ok: false,
      message: l10n.t('{0} does not hold a mapping with "clusters:"; fix it first, then add the cluster', fileLabel),
    };
  if (!doc.has('version')) doc.set('version', 1);
  if (doc.hasIn(['clusters', cluster.name]))
    return {
      ok: false,
      message: l10n.t('{0} already has a cluster named "{1}"; choose another name', fileLabel, cluster.name),
    };
  if (!doc.has('clusters') || doc.get('clusters') === null) doc.set('clusters', doc.createNode({}));
  const value: Record<string, unknown> = {};
  if (cluster.description) value.description = cluster.description;
  if (cluster.vocabulary !== 'auto') value.vocabulary = cluster.vocabulary;
  if (cluster.product !== 'auto') value.product = cluster.product;
  if (cluster.gphome) value.gphome = cluster.gphome;
  value.dataDirectory = cluster.dataDirectory;
  value.port = cluster.port;
  const standbyOverrides = {
    ...(cluster.standbyDataDirectory && cluster.standbyDataDirectory !== cluster.dataDirectory
      ? { dataDirectory: cluster.standbyDataDirectory }
      : {}),
    ...(cluster.standbyPort !== undefined && cluster.standbyPort !== cluster.port ? { port: cluster.standbyPort } : {}),
  };
  value.hosts = [
    hostEntry(cluster.coordinatorHost, 'coordinator', cluster.coordinatorSsh, cluster.coordinatorUser),
    hostEntry(cluster.standbyHost, 'standby', cluster.standbySsh, cluster.standbyUser, standbyOverrides),
  ];
  doc.setIn(['clusters', cluster.name], doc.createNode(value));
  const clusters = doc.get('clusters');
  if (isMap(clusters)) clusters.flow = false;
  const text = doc.toString();
  const check = parseInventory(text, fileLabel);
  if (!check.ok)
    return {
      ok: false,
      message: l10n.t('the new entry would not be valid: {0}', check.problems.map(p => p.message).join('; ')),
    };
  return { ok: true, text };
}
