import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretFilesPrivate } from '../../src/engine/checks/hygiene.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';
import { loadConfigFiles } from '../../src/sources/config-files.js';
import { render } from '../../src/messages/message.js';

function check(files: Record<string, { text: string; mode: number }>) {
  const dir = mkdtempSync(join(tmpdir(), 'mxlint-hygiene-'));
  for (const [name, { text, mode }] of Object.entries(files)) {
    writeFileSync(join(dir, name), text);
    chmodSync(join(dir, name), mode);
  }
  const main = join(dir, 'homeserver.yaml');
  const facts = buildServerFacts(loadConfigFiles([main]), [main]);
  const outcome = secretFilesPrivate({ path: '', value: undefined, state: 'default' }, { facts, options: {} });
  return Array.isArray(outcome) ? outcome : [outcome];
}

describe('secretFilesPrivate', () => {
  it('passes a config with secrets that only its owner and group can read', () => {
    expect(check({ 'homeserver.yaml': { text: 'server_name: ex.org\nform_secret: x\n', mode: 0o640 } }).map((r) => r.status)).toEqual(['pass']);
  });
  it('fails a world-readable config holding a secret', () => {
    const [result] = check({ 'homeserver.yaml': { text: 'server_name: ex.org\nemail:\n  smtp_pass: x\n', mode: 0o644 } });
    expect(result).toMatchObject({ status: 'fail' });
    expect(result.message).toMatchObject({ id: 'hygiene.fileReadable', data: { mode: '644' } });
  });
  it('fails a world-readable signing key at its default place', () => {
    const results = check({
      'homeserver.yaml': { text: 'server_name: ex.org\n', mode: 0o640 },
      'ex.org.signing.key': { text: 'ed25519 a_key not-a-real-key\n', mode: 0o644 },
    });
    expect(results.map((r) => r.message)).toContainEqual({ id: 'hygiene.signingKeyReadable', data: { file: expect.stringMatching(/ex\.org\.signing\.key$/), mode: '644' } });
  });
  it('passes a private signing key named by signing_key_path', () => {
    const results = check({
      'homeserver.yaml': { text: 'server_name: ex.org\nsigning_key_path: my.key\n', mode: 0o600 },
      'my.key': { text: 'ed25519 a_key not-a-real-key\n', mode: 0o600 },
    });
    expect(results.map((r) => r.status)).toEqual(['pass']);
  });
});

describe('a secret given as a placeholder', () => {
  const factsOf = (text: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'mxlint-hygiene-'));
    writeFileSync(join(dir, 'homeserver.yaml'), text);
    return buildServerFacts(loadConfigFiles([join(dir, 'homeserver.yaml')]), [join(dir, 'homeserver.yaml')]);
  };

  it('stays unknown, and says that deployed as is the secret is that literal text, naming only the placeholder', () => {
    const fact = factsOf('macaroon_secret_key: "${MACAROON_KEY}"\n').get('macaroon_secret_key');
    expect(fact).toMatchObject({ state: 'unknown', value: '<redacted>' });
    expect(fact.reason).toEqual({ id: 'facts.literalSecret', data: { placeholder: '${MACAROON_KEY}' } });
    // The English wording is the point: deployed as is, the secret is the template's text.
    expect(render('en', fact.reason!)).toMatch(/^unrendered template placeholder \$\{MACAROON_KEY\}; Synapse does not expand variables .*official Docker image.*deployed as is, this secret is that literal text/);
    expect(factsOf('email:\n  smtp_pass: "{{ smtp_pass }}"\n').get('email.smtp_pass').reason).toMatchObject({ id: 'facts.literalSecret' });
  });

  it('a secret that only contains a placeholder-like part may be a real secret: nothing of it is shown, nothing claimed', () => {
    const fact = factsOf('macaroon_secret_key: "prefix-${MACAROON_KEY}-suffix"\n').get('macaroon_secret_key');
    expect(fact).toMatchObject({ state: 'unknown', value: '<redacted>', reason: { id: 'facts.placeholderInSecret', data: {} } });
  });

  it('a placeholder in an option that is no secret says nothing about secrets', () => {
    expect(factsOf('public_baseurl: "${BASE_URL}"\n').get('public_baseurl').reason).toEqual({ id: 'facts.placeholder', data: { placeholder: '${BASE_URL}' } });
  });
});
