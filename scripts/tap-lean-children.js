/**
 * Loaded into every test process (.taprc `node-arg`). tap gives each test
 * process two module loaders (@tapjs/processinfo's, which records every file
 * loaded for coverage and `--changed`) and passes them on to every child
 * process it spawns. On Node 20 each runs on its own thread and costs a child
 * process 30-50% more CPU for its module loading. The children of the
 * non-kernel tests (gateway and CLI processes, node agents, supervisors, the
 * reference model) have no coverage to record, so they start without them.
 * The kernel's tests (attest/, policies/) keep them: their coverage counts.
 */
const KERNEL_TEST = /[\\/]dist[\\/]test[\\/](?:attest|policies)[\\/]/;
const TAP_LOADER = /^--(?:import|loader)=\S*@tapjs[\\/]\S*$/;

/** NODE_OPTIONS without tap's loaders (its other options are kept). */
function lean(options) {
  return (options ?? '')
    .split(/\s+/)
    .filter((option) => option !== '' && !TAP_LOADER.test(option.replace(/^"|"$/g, '')))
    .join(' ');
}

if (!KERNEL_TEST.test(process.argv[1] ?? '')) {
  process.env.NODE_OPTIONS = lean(process.env.NODE_OPTIONS);
  // processinfo re-adds its loader to every spawn through process-on-spawn's
  // listeners (a process-wide singleton); this one runs after it.
  const state = globalThis[Symbol.for('process-on-spawn@*:singletonId')];
  state?.listeners.push((child) => {
    child.env = { ...child.env, NODE_OPTIONS: lean(child.env.NODE_OPTIONS) };
  });
}
