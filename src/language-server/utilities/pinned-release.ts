// The release the inventories pin, for checking the utilities' flags when the setting is `auto`.
import { parseInventory } from '../../core/inventory';
import { releaseLine } from '../../core/releases';
import type { GpRelease } from './flags';

/** The one release every pinned cluster of these inventory texts runs; undefined when none is pinned or they differ. */
export function releasePinnedByInventories(texts: readonly string[]): GpRelease | undefined {
  const lines = new Set<GpRelease>();
  for (const text of texts) {
    const r = parseInventory(text);
    if (!r.ok) continue;
    for (const cluster of Object.values(r.inventory.clusters))
      if (cluster.release) lines.add(releaseLine(cluster.release));
  }
  return lines.size === 1 ? [...lines][0] : undefined;
}
