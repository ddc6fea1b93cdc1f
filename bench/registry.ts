// The benchmarks, in the order they run and appear in docs/performance.md.
import type { Benchmark } from './lib';
import { parsersBench } from './parsers';
import { activationBench, bundleBench } from './extension';
import { observeBench, refreshBench } from './observe';
import { fleetBench } from './fleet';
import { fuzzBench } from './fuzz';
import { hostileBench } from './hostile';
import { icountBench } from './icount';
import { lspBench } from './lsp';
import { panelBench } from './panel';
import { sshBench } from './ssh';

export const BENCHMARKS: Benchmark[] = [
  parsersBench,
  icountBench,
  bundleBench,
  activationBench,
  sshBench,
  observeBench,
  refreshBench,
  fleetBench,
  panelBench,
  lspBench,
  fuzzBench,
  hostileBench,
];
