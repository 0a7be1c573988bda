// How the tests run the Action and the GitLab component as GitHub and GitLab would.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../cli/run.js';
import { NODE24, sh, userEnv, type Shell } from './shell.js';

/** Outputs as the runner reads $GITHUB_OUTPUT (name<<DELIMITER blocks). */
function githubOutputs(file: string): Record<string, string> {
  return Object.fromEntries([...readFileSync(file, 'utf8').matchAll(/^([\w-]+)<<(\w+)\n([\s\S]*?)\n\2$/gm)].map((match) => [match[1], match[3]]));
}

/** The Action through @github/local-action: inputs as GitHub passes them (INPUT_NAME in a .env
 *  file), the workspace, a runner temp folder, $GITHUB_OUTPUT and the job summary in `dir`. */
export function runAction(dir: string, inputs: Record<string, string>, workspace = ROOT): { run: Shell; outputs: Record<string, string> } {
  const env = {
    ...Object.fromEntries(Object.entries(inputs).map(([key, value]) => [`INPUT_${key.toUpperCase()}`, value])),
    GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: join(dir, 'output'), RUNNER_TEMP: dir, GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
  };
  writeFileSync(join(dir, '.env'), Object.entries(env).map(([key, value]) => `${key}=${value}`).join('\n'));
  writeFileSync(env.GITHUB_OUTPUT, '');
  // local-action runs from the checkout that has it installed (npm exec).
  const run = sh(`npx local-action run "${ROOT}" action/main.mjs "${join(dir, '.env')}"`, ROOT, userEnv({ PATH: `${join(ROOT, 'node_modules/.bin')}:${userEnv().PATH}` }));
  return { run, outputs: githubOutputs(env.GITHUB_OUTPUT) };
}

const [specDocument, jobsDocument] = parseAllDocuments(readFileSync(join(ROOT, 'templates/mxlint.yml'), 'utf8')).map((document) => document.toJS());
export const componentInputs: Record<string, { default?: string; options?: string[] }> = specDocument.spec.inputs;

/** The component's jobs with its inputs interpolated as GitLab does ($[[ inputs.name ]]). */
export function interpolate(given: Record<string, string>): any {
  for (const name of Object.keys(given)) if (!(name in componentInputs)) throw new Error(`unknown input ${name}`);
  const text = JSON.stringify(jobsDocument).replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
    const value = given[name] ?? componentInputs[name].default;
    if (value === undefined) throw new Error(`input ${name} has no value`);
    if (componentInputs[name].options && !componentInputs[name].options!.includes(value)) throw new Error(`input ${name}: ${value} is not an option`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(text);
}

/** A job's script in bash, as a runner in a node image runs it: in the project folder, with the
 *  job's variables, npm's global prefix in `prefix`. */
export function runJobScript(job: { variables: Record<string, string>; script: string[] }, project: string, prefix: string): Shell {
  const env = userEnv({ ...job.variables, npm_config_prefix: prefix, npm_config_prefer_offline: 'true', PATH: `${join(prefix, 'bin')}:${dirname(NODE24)}:/usr/bin:/bin` });
  return sh(`set -e\n${job.script.join('\n')}`, project, env);
}
