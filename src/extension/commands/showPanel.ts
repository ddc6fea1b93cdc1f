// "Greenplum: Show Status Panel": brings back the panel shown last, or opens an empty one that offers to read a
// saved gpstate output.
import type { Services } from '../services';

export const EMPTY_PANEL = 'empty';

export function showPanel(services: Services): string {
  const key = services.lastPanelKey && services.panels.has(services.lastPanelKey) ? services.lastPanelKey : EMPTY_PANEL;
  if (key === EMPTY_PANEL) services.panels.showEmpty(EMPTY_PANEL);
  else services.panels.reveal(key);
  services.lastPanelKey = key;
  return key;
}
