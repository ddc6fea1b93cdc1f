// Runs inside the real VS Code extension host (as an extensionTestsPath entry): activates the development extension
// named by BENCH_EXTENSION_ID, timing vscode's own activate() (module load + activate() call), and writes the result
// as JSON to BENCH_OUT.
const fs = require('fs');
const { performance } = require('perf_hooks');

exports.run = async function run() {
  const vscode = require('vscode');
  const id = process.env.BENCH_EXTENSION_ID;
  const ext = vscode.extensions.getExtension(id);
  if (!ext) throw new Error(`extension ${id} is not loaded`);
  const wasActive = ext.isActive;
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  await ext.activate();
  const activateMs = performance.now() - t0;
  // A second call is the cost of an already active extension: VS Code's own overhead, nothing of ours.
  const t1 = performance.now();
  await ext.activate();
  const secondMs = performance.now() - t1;
  const heapDelta = process.memoryUsage().heapUsed - heapBefore;
  // VS Code's own activation marks (what "Developer: Show Running Extensions" adds up): code loading and the
  // activate() call, each from a will/did pair; Date.now() resolution, so whole milliseconds.
  const marks = (globalThis.MonacoPerformanceMarks && globalThis.MonacoPerformanceMarks.getMarks()) || [];
  const at = name => {
    const m = marks.filter(x => x.name === `code/extHost/${name}/${id}`).pop();
    return m ? m.startTime : null;
  };
  const span = (a, b) => (at(a) !== null && at(b) !== null ? at(b) - at(a) : null);
  const codeLoadingMs = span('willLoadExtensionCode', 'didLoadExtensionCode');
  const activateCallMs = span('willActivateExtension', 'didActivateExtension');
  fs.writeFileSync(
    process.env.BENCH_OUT,
    JSON.stringify({ id, wasActive, activateMs, secondMs, heapDelta, codeLoadingMs, activateCallMs }),
  );
};
