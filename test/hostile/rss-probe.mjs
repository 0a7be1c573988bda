// Preloaded (node --import) when /usr/bin/time is missing: prints the peak resident set size of
// this process, in the format of the `time -f` line test/hostile/measure.ts reads.
const started = performance.now();
process.on('exit', () => {
  process.stderr.write(`MXLINT-MEASURE ${((performance.now() - started) / 1000).toFixed(2)} ${process.resourceUsage().maxRSS}\n`);
});
