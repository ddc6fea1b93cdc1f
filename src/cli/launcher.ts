// gpcoord's entry (dist/cli.js): turns on Node's module compile cache (Node 22.1+; a no-op before) and then loads
// the CLI bundle (dist/cli-main.js), so a cold start after the first one reads compiled code instead of compiling
// a megabyte of JavaScript again. Kept apart because the cache only covers modules loaded after it is enabled.
import * as nodeModule from 'node:module';
import type * as CliMain from './main';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// eslint-disable-next-line @typescript-eslint/no-require-imports
(require('./cli-main.js') as typeof CliMain).runFromCommandLine();
