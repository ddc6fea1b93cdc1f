// Everything the server analyses with, behind one module so that server.ts can load it after answering
// initialize: zod, the YAML parser and the flag tables are not needed to start.
export { analyzeInventory } from './inventory/analyze';
export { inventoryCompletions, inventoryHover } from './inventory/assist';
export { maskMarkdown } from './markdown';
export { SshConfigCache } from './ssh-config';
export { analyzeShell, shellCompletions, shellHover } from './utilities/analyze';
export { releasePinnedByInventories } from './utilities/pinned-release';
