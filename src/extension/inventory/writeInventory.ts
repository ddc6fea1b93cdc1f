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
}

export type AddClusterResult = { ok: true; text: string } | { ok: false; message: string };

export function addClusterToInventory(existing: string, cluster: NewCluster, fileLabel: string): AddClusterResult {
  const doc = parseDocument(existing.trim() ? existing : 'version: 1\nclusters: {}\n');
  if (doc.errors.length) return { ok: false, message: l10n.t('{0} is not valid YAML ({1}); fix it first, then add the cluster', fileLabel, doc.errors[0]!.message.split('\n')[0] ?? '') };
  if (!isMap(doc.contents)) return { ok: false, message: l10n.t('{0} does not hold a mapping with "clusters:"; fix it first, then add the cluster', fileLabel) };
  if (!doc.has('version')) doc.set('version', 1);
  if (doc.hasIn(['clusters', cluster.name])) return { ok: false, message: l10n.t('{0} already has a cluster named "{1}"; choose another name', fileLabel, cluster.name) };
  if (!doc.has('clusters') || doc.get('clusters') === null) doc.set('clusters', doc.createNode({}));
  const value: Record<string, unknown> = {};
  if (cluster.description) value.description = cluster.description;
  if (cluster.vocabulary !== 'auto') value.vocabulary = cluster.vocabulary;
  if (cluster.product !== 'auto') value.product = cluster.product;
  value.dataDirectory = cluster.dataDirectory;
  value.port = cluster.port;
  value.hosts = [{ name: cluster.coordinatorHost, role: 'coordinator' }, { name: cluster.standbyHost, role: 'standby' }];
  doc.setIn(['clusters', cluster.name], doc.createNode(value));
  const clusters = doc.get('clusters');
  if (isMap(clusters)) clusters.flow = false;
  const text = doc.toString();
  const check = parseInventory(text, fileLabel);
  if (!check.ok) return { ok: false, message: l10n.t('the new entry would not be valid: {0}', check.problems.map((p) => p.message).join('; ')) };
  return { ok: true, text };
}
