// `mxlint probe URL_OR_NAME`: judge a running homeserver from outside, without its config or a token.
import { EXIT } from '../errors.js';
import { wholeNumber, MAX_RETRIES, MAX_TIMEOUT_MS } from './access.js';
import { useColor, writeStderr } from './stdout.js';
import { probeServer, type Endpoint } from '../sources/probe.js';
import { lintProbe, type ProbeLintResult } from '../lint-probe.js';
import { formatText } from '../report/text.js';
import { jsonReport } from '../report/json.js';
import { colon, t } from '../report/messages.js';
import type { AuditOutput } from '../report/model.js';
import type { Note } from '../report/model.js';
import type { Lang } from '../types.js';
import { render } from '../messages/message.js';
import { show } from '../facts/values.js';
import { auditOutput, deliver, openSession, settleReport, type ReportCliOptions } from '../policy/session.js';

export interface ProbeCommandOptions extends ReportCliOptions {
  timeout: string;
  maxRetries: string;
  allowInsecureHttp?: boolean;
  allowPrivate?: boolean;
  tryGuest?: boolean;
  federation?: boolean;
  config: string[];
}

export async function runProbe(target: string, options: ProbeCommandOptions, write: (text: string) => void): Promise<number> {
  const session = openSession(options, 'config');
  const probe = await probeServer(target, {
    timeoutMs: wholeNumber(options.timeout, '--timeout', 1, MAX_TIMEOUT_MS),
    maxRetries: wholeNumber(options.maxRetries, '--max-retries', 0, MAX_RETRIES),
    allowPrivate: Boolean(options.allowPrivate),
    allowInsecureHttp: Boolean(options.allowInsecureHttp),
    tryGuest: Boolean(options.tryGuest),
    federation: Boolean(options.federation),
  });
  writeStderr(`mxlint: ${t(session.lang, 'probe.of', { origin: probe.origin })}${colon(session.lang)}${t(session.lang, 'probe.requests', { count: probe.requests, retries: probe.retries })}\n`);
  if (probe.guestUserId) writeStderr(`mxlint: ${t(session.lang, 'probe.guest', { user: probe.guestUserId })}\n`);
  const result = lintProbe(probe, session.rules, session.useCases, session.lang);
  const settled = settleReport(result, session, []);
  if (options.config.length) settled.notes.push(...await differencesFromConfig(result, options.config, session.lang));
  const output = auditOutput(result, session, settled, { anchorFiles: [], serverName: probe.serverName, color: useColor() });
  const exit = await deliver(output, session, write, {
    text: (shown) => `${probeHeader(result, shown)}\n${formatText(result, {
      color: Boolean(shown.color), useCases: shown.useCases, verbose: shown.verbose, lang: shown.lang, quiet: shown.quiet,
      notes: shown.notes, suppressed: shown.suppressed, rules: shown.rules, width: shown.width,
    })}`,
    json: (shown) => `${JSON.stringify({ ...jsonReport({ ...result, findings: shown.quiet ? result.findings.filter((finding) => finding.level === 'error') : result.findings }, { notes: shown.notes, suppressed: shown.suppressed }), probe }, null, 2)}\n`,
  });
  // An endpoint that gave no usable answer leaves facts unknown: the probe is incomplete (as `mxlint server`).
  return Object.values(probe.answers).some((answer) => answer.fault) ? EXIT.network : exit;
}

/** What was asked and what answered, before the findings. */
function probeHeader({ probe, facts }: ProbeLintResult, output: AuditOutput): string {
  const { lang } = output;
  const { answers } = probe;
  const status = (endpoint: Endpoint) => {
    const answer = answers[endpoint];
    return !answer ? '' : answer.fault ? `${t(lang, 'probe.noAnswer')} (${render(lang, answer.fault)})` : String(answer.status);
  };
  const software = answers.federationVersion?.body?.server;
  const providers = (answers.login?.body?.flows ?? []).flatMap((flow: { identity_providers?: Array<{ id: string; name?: string }> }) => flow.identity_providers ?? []).map((provider: { id: string; name?: string }) => provider.name ?? provider.id);
  const c = colon(lang);
  const lines = [
    `${t(lang, 'heading.probe')}${c}${probe.origin}${probe.serverName ? ` (${probe.serverName})` : ''}`,
    `  ${t(lang, 'probe.client')}${c}${probe.baseUrl} (versions ${status('clientVersions')}${answers.clientVersions?.body ? `${c}${answers.clientVersions.body.versions.at(-1)}` : ''})`,
    `  ${t(lang, 'probe.federation')}${c}${probe.federationUrl} (version ${status('federationVersion')}, ${t(lang, 'probe.keys')} ${status('serverKeys')})`,
    ...(software ? [`  ${t(lang, 'probe.software')}${c}${[software.name, software.version].filter(Boolean).join(' ')}`] : []),
    `  ${t(lang, 'probe.signUp')}${c}POST /register ${status('register')}${t(lang, 'summary.separator')}${t(lang, 'probe.login')}${c}${(answers.login?.body?.flows ?? []).map((flow: { type: string }) => flow.type).join(', ') || status('login')}${providers.length ? ` (SSO${c}${providers.join(', ')})` : ''}`,
    ...(probe.delegation ? [`  MAS${c}${probe.delegation.issuer} (${probe.delegation.via}; openid-configuration ${status('openidConfiguration') || '-'})${probe.delegation.accountUrl ? `, ${probe.delegation.accountUrl}` : ''}`] : []),
    ...(facts.seen.has('probe.publicRooms.worldReadable') ? [`  ${render(lang, facts.seen.get('probe.publicRooms.worldReadable')!.seen)}`] : []),
    ...(answers.federationPublicRooms ? [`  ${t(lang, 'probe.federation')}${c}GET /publicRooms ${status('federationPublicRooms')}`] : []),
    `  ${t(lang, 'probe.requests', { count: probe.requests, retries: probe.retries })}`,
    ...(probe.guestUserId ? [`  ${t(lang, 'probe.guest', { user: probe.guestUserId })}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** --config: each option the server shows otherwise than the files say, as a note at the file's line. */
async function differencesFromConfig(result: ProbeLintResult, paths: string[], lang: Lang): Promise<Note[]> {
  const [{ loadConfigFiles }, { buildServerFacts }, { configDifferences }] = await Promise.all([
    import('../sources/config-files.js'), import('../facts/server-facts.js'), import('../facts/probe-compare.js'),
  ]);
  const config = buildServerFacts(loadConfigFiles(paths), paths);
  return configDifferences(result.facts, config).map((difference) => ({
    ruleId: 'config-differs', level: 'error', location: difference.location,
    message: t(lang, 'note.configDiffers', { config: show(difference.config), seen: render(lang, difference.seenMessage), path: difference.path, url: difference.url }),
    key: difference.path,
  }));
}
