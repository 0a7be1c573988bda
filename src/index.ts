// The library API: `import { lintConfig } from 'mxlint'`.
export { lintConfig, type LintConfigOptions, type ConfigLintResult } from './lint-config.js';
export { loadConfigFiles, expandConfigPaths, findDefaultConfig } from './sources/config-files.js';
export { buildServerFacts, type ServerFacts } from './facts/server-facts.js';
export { parseDuration, parseSize } from './facts/duration.js';
export { evaluate } from './engine/evaluate.js';
export { verdicts } from './engine/verdicts.js';
export { loadRules, loadRuleDir, builtInRules, USE_CASES } from './engine/rules.js';
export { InputError, EXIT } from './errors.js';
export type * from './types.js';
