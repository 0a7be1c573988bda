// `mxlint probe` as a user runs it (the built binary), on recorded answers: every format, both
// languages, the request count, exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mxlintAsync } from '../report/helpers.js';
import { mxlint } from './run.js';
import { colon, t } from '../../src/report/messages.js';
import { CLOSED, OPEN, Recorded } from '../unit/probe-recorded.js';

let server: Recorded;
beforeAll(async () => { server = await Recorded.start(); });
afterAll(() => server.close());

describe('mxlint probe', () => {
  it('prints what it saw, the request count and the verdicts; exit 1 when a selected use case is not fit', async () => {
    server.routes = OPEN;
    const run = await mxlintAsync(['probe', server.url, '-u', 'anonymous']);
    expect(run.stdout).toContain(`Seen from outside: ${server.url} (test.local)`);
    expect(run.stdout).toContain('server software: Synapse 1.160.0');
    expect(run.stdout).toContain('0 of the 1 published room(s) read let anyone read their history without an account');
    expect(run.stdout).toMatch(/12 request\(s\) \(0 retried\), read-only, no token sent/);
    // Findings are grouped under the URL that showed them.
    expect(run.stdout).toMatch(new RegExp(`^${server.url.replace(/[.:/]/g, '\\$&')}/\\.well-known/matrix/client\\n(?:.*\\n)*? +! no-default-identity-server`, 'm'));
    expect(run.stderr).toContain('12 request(s)');
    expect(run.code).toBe(1);
  });

  it('writes the same findings in French headings, and JSON that the report schema accepts', async () => {
    server.routes = CLOSED;
    const french = await mxlintAsync(['probe', server.url, '--lang', 'fr', '-u', 'chatons']);
    expect(french.stdout).toContain(`${t('fr', 'heading.probe')}${colon('fr')}${server.url}`);
    expect(french.stdout).toContain('requête(s)');
    const json = await mxlintAsync(['probe', server.url, '-f', 'json', '-u', 'chatons']);
    const report = JSON.parse(json.stdout);
    const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(mxlint(['schema', 'json']).stdout));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ target: 'probe', inputs: [server.url], probe: { serverName: 'test.local', requests: 12 } });
    expect(report.findings.find((finding: any) => finding.ruleId === 'registration-gated')).toMatchObject({ status: 'pass', location: { file: `${server.url}/_matrix/client/v3/register` } });
  });

  it('writes every other format', async () => {
    server.routes = OPEN;
    for (const format of ['sarif', 'junit', 'github', 'gitlab', 'markdown', 'html']) {
      const run = await mxlintAsync(['probe', server.url, '-f', format, '-u', 'anonymous']);
      expect(run.stderr, format).not.toMatch(/internal error/);
      expect(run.code, format).toBe(1);
      expect(run.stdout, format).toContain('well-known-no-identity-server');
    }
  });

  it('--config: each option the server shows otherwise is an error note at the line of the file', async () => {
    server.routes = CLOSED;
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-probe-'));
    const file = join(dir, 'homeserver.yaml');
    writeFileSync(file, 'server_name: test.local\nenable_registration: true\nregistration_requires_token: true\n');
    const run = await mxlintAsync(['probe', server.url, '--config', file, '--lang', 'fr']);
    // The text report wraps at 80 columns.
    expect(run.stdout.replace(/\s+/g, ' ')).toMatch(/homeserver\.yaml:2: la configuration donne enable_registration true, mais le serveur en service montre autre chose\s?: POST \/register \{\} répond 403 M_FORBIDDEN : pas d’inscription/);
    expect(run.code).toBe(1);
    const json = JSON.parse((await mxlintAsync(['probe', server.url, '--config', file, '-f', 'json'])).stdout);
    expect(json.notes).toEqual([expect.objectContaining({ ruleId: 'config-differs', level: 'error', location: expect.objectContaining({ file, line: 2 }) })]);
    writeFileSync(file, 'server_name: test.local\nenable_registration: false\n');
    const same = await mxlintAsync(['probe', server.url, '--config', file, '-f', 'json']);
    expect(JSON.parse(same.stdout).notes).toBeUndefined();
    rmSync(dir, { recursive: true });
  });

  it('by default waits 10 s for each answer and retries twice; a fault left after that makes the probe incomplete (exit 3)', async () => {
    server.routes = { ...CLOSED, 'GET /_matrix/client/versions': [503, { errcode: 'M_UNKNOWN' }] };
    const run = await mxlintAsync(['probe', server.url, '-f', 'json']);
    const report = JSON.parse(run.stdout);
    expect(report.probe).toMatchObject({ requests: 14, retries: 2 });
    expect(report.probe.answers.clientVersions.fault).toEqual({ id: 'probe.afterTries', data: { fault: { id: 'probe.httpStatus', data: { status: 503 } }, tries: 3 } });
    expect(run.code).toBe(3);
    expect((await mxlintAsync(['probe', '--help'])).stdout).toMatch(/--timeout <ms> +timeout of each request in milliseconds \(default:\s+"10000"\)/);
  });

  it('shows a login delegated to MAS and, with --federation, the federation directory\'s answer', async () => {
    server.routes = {
      ...CLOSED,
      'GET /_matrix/client/v1/auth_metadata': [200, { issuer: 'BASE/', account_management_uri: 'BASE/account/', prompt_values_supported: ['login'] }],
      'GET /.well-known/openid-configuration': [200, { issuer: 'BASE/', prompt_values_supported: ['login'] }],
      'GET /_matrix/federation/v1/publicRooms': [401, { errcode: 'M_UNAUTHORIZED', error: 'Missing Authorization headers' }],
    };
    const run = await mxlintAsync(['probe', server.url, '--federation', '--allow-private', '-u', 'chatons']);
    expect(run.stdout).toContain(`MAS: ${server.url}/ (auth_metadata; openid-configuration 200), ${server.url}/account/`);
    expect(run.stdout).toContain('federation: GET /publicRooms 401');
    expect(run.stdout).toMatch(/14 request\(s\)/);
    const json = JSON.parse((await mxlintAsync(['probe', server.url, '--federation', '-f', 'json', '-u', 'chatons'])).stdout);
    expect(json.probe.delegation).toEqual({ issuer: `${server.url}/`, via: 'auth_metadata', accountUrl: `${server.url}/account/` });
  });

  it('refuses plain http to another machine, and a target that is no name nor URL (exit 2)', async () => {
    const insecure = await mxlintAsync(['probe', 'http://example.org']);
    expect(insecure).toMatchObject({ code: 2, stderr: expect.stringMatching(/plain http/) });
    const nonsense = await mxlintAsync(['probe', 'exa mple']);
    expect(nonsense.code).toBe(2);
  });
});
