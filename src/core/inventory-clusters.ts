// Reads an inventory cluster by cluster, so that one broken cluster (a typo, even a half-typed line) costs only that
// cluster: every cluster that validates on its own and holds no problem in its own lines is kept, each broken one is
// reported with its own problems, and only what lies outside every cluster (the top level) breaks the whole file.
// Pure: text in, clusters and problems out.
import { isMap, isScalar, parseDocument } from 'yaml';
import type { ClusterConfig, InventoryProblem } from './inventory';
import { inventorySchema, parseInventory } from './inventory';

export interface ClusterProblems {
  name: string;
  problems: InventoryProblem[];
}

export interface InventoryByCluster {
  clusters: Array<{ name: string; config: ClusterConfig }>;
  /** Clusters whose own lines have a problem, in file order. */
  broken: ClusterProblems[];
  /** Problems outside every cluster; when one is an error and no cluster could be told apart, nothing is kept. */
  fileProblems: InventoryProblem[];
}

/** Each cluster's name and the source range of its whole entry (key to end of value), in file order. */
function clusterRanges(text: string): Array<{ name: string; start: number; end: number; data: unknown }> {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false });
  const root = doc.contents;
  if (!isMap(root)) return [];
  const clustersPair = root.items.find(p => isScalar(p.key) && p.key.value === 'clusters');
  const clusters = clustersPair?.value;
  if (!isMap(clusters)) return [];
  const out: Array<{ name: string; start: number; end: number; data: unknown }> = [];
  for (const pair of clusters.items) {
    if (!isScalar(pair.key) || pair.key.range === undefined || pair.key.range === null) continue;
    const valueRange = (pair.value as { range?: [number, number, number] } | null)?.range;
    let data: unknown;
    try {
      data = (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    } catch {
      data = undefined;
    }
    out.push({
      name: String(pair.key.value),
      start: pair.key.range[0],
      end: valueRange ? valueRange[2] : pair.key.range[2],
      data,
    });
  }
  return out;
}

export function parseInventoryByCluster(text: string, file = 'greenplum-clusters.yaml'): InventoryByCluster {
  const whole = parseInventory(text, file);
  if (whole.ok) {
    return {
      clusters: Object.entries(whole.inventory.clusters).map(([name, config]) => ({ name, config })),
      broken: [],
      fileProblems: whole.problems,
    };
  }
  const ranges = clusterRanges(text);
  if (!ranges.length) return { clusters: [], broken: [], fileProblems: whole.problems };
  const owner = (p: InventoryProblem) =>
    ranges.find(r => p.offset >= r.start && p.offset < Math.max(r.end, r.start + 1));
  const fileProblems = whole.problems.filter(p => !owner(p));
  const result: InventoryByCluster = { clusters: [], broken: [], fileProblems };
  for (const r of ranges) {
    const own = whole.problems.filter(p => owner(p) === r);
    const alone = inventorySchema.safeParse({ version: 1, clusters: { [r.name]: r.data } });
    const config = alone.success ? alone.data.clusters[r.name] : undefined;
    if (config && !own.some(p => p.severity === 'error')) result.clusters.push({ name: r.name, config });
    else
      result.broken.push({
        name: r.name,
        problems: own.length
          ? own
          : [
              {
                file,
                line: 1,
                column: 1,
                endLine: 1,
                endColumn: 1,
                offset: r.start,
                endOffset: r.start,
                field: `clusters.${r.name}`,
                message: `clusters.${r.name}: does not validate; open the file to see why`,
                severity: 'error',
              },
            ],
      });
  }
  return result;
}
