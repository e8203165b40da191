// tap's coverage map: which files a test file's V8 coverage is kept for.
// Coverage is measured where the floor applies (the pure trust kernel, by its
// own tests); every other test runs without V8 coverage, which costs about
// 40% more CPU in the processes that load the gateway.
// https://node-tap.org/coverage/ ("coverage-map")
export default function coverageMap(testFile) {
  const folder = /^dist\/test\/(attest|policies)\//.exec(testFile)?.[1];
  return folder === undefined ? null : `dist/${folder}/**/*.js`;
}
