import { describe, expect, it } from 'vitest';
import { isSecret, redactValue, redactYamlLine, secretLines } from '../../src/facts/redact.js';
import { needlesOf, redactQuotedOnSecretLine, redactSecretText, redactUrlUserinfo, rememberSecret, scrubSecrets } from '../../src/redact-text.js';
import { parseYamlText, type YamlFile } from '../../src/sources/yaml-file.js';
import { buildServerFacts } from '../../src/facts/server-facts.js';

describe('redactUrlUserinfo and redactSecretText', () => {
  it('cut the whole userinfo, an unescaped @ in the password included, and nothing else', () => {
    expect(redactUrlUserinfo('https://admin:p4ss@matrix.example.org/')).toBe('https://<redacted>@matrix.example.org/');
    expect(redactUrlUserinfo('postgresql://synapse:p@ss@db/synapse')).toBe('postgresql://<redacted>@db/synapse');
    expect(redactUrlUserinfo('https://KEY@sentry.example.org/1 and https://matrix.org/@alice:x mailto:a@b')).toBe('https://<redacted>@sentry.example.org/1 and https://matrix.org/@alice:x mailto:a@b');
    expect(redactSecretText("host=db password='a b' user=x")).toBe('host=db password=<redacted> user=x');
  });

  it('take linear time on hostile text (each search starts at a ://, bounded)', () => {
    const started = performance.now();
    for (const text of ['a.'.repeat(1_000_000) + 'x://y@', `http://${'a'.repeat(2_000_000)} @`, 'aaaa://'.repeat(300_000) + '@']) redactUrlUserinfo(text);
    // An unbounded scheme scan took 0.7 s on the second alone; these take about 15 ms.
    expect(performance.now() - started).toBeLessThan(400);
  });
});

describe('isSecret and redactValue', () => {
  it('take the catalogue (secret: true and secretPaths patterns) and secret-looking keys', () => {
    expect(isSecret('form_secret', 'x')).toBe(true);
    expect(isSecret('oidc_providers.3.client_secret_jwt_key.key', 'x')).toBe(true);
    expect(isSecret('databases.main.args.password', 'x')).toBe(true);
    expect(isSecret('experimental_features.msc3861.jwk', { kty: 'RSA' })).toBe(true);
    // Looking secret is not enough for a section or a flag.
    expect(isSecret('password_config', { enabled: true })).toBe(false);
    expect(isSecret('password_providers', [{ module: 'x' }])).toBe(false);
    expect(isSecret('request_token_inhibit_3pid_errors', true)).toBe(false);
    expect(isSecret('registration_shared_secret_path', '/etc/x')).toBe(false);
  });

  it('cover every inline secret Synapse 1.160 reads (and the old MSC3861 switch), appservice tokens too', () => {
    const secrets = [
      'registration_shared_secret', 'macaroon_secret_key', 'form_secret', 'worker_replication_secret', 'turn_shared_secret', 'turn_password',
      'email.smtp_pass', 'recaptcha_private_key', 'oidc_providers.0.client_secret', 'oidc_providers.2.client_secret_jwt_key.key',
      'oidc_config.client_secret', 'jwt_config.secret', 'redis.password', 'database.args.password', 'database.args.dsn', 'databases.main.args.password',
      'matrix_authentication_service.secret', 'sentry.dsn', 'signing_key', 'password_config.pepper', 'manhole_settings.password',
      'experimental_features.msc3861.client_secret', 'experimental_features.msc3861.admin_token', 'experimental_features.msc3861.jwk',
      'modules.0.config.bind_password', 'media_storage_providers.1.config.secret_access_key', 'as_token', 'hs_token',
    ];
    expect(secrets.filter((path) => !isSecret(path, 'value'))).toEqual([]);
  });

  it('redact a secret whatever its type, and URL passwords anywhere', () => {
    const config = {
      registration_shared_secret: ['a', 'b'], macaroon_secret_key: { inner: 'x' }, form_secret: new Uint8Array([1, 2, 3]),
      worker_replication_secret: 1234567, password_config: { enabled: true, pepper: 'p' }, public_baseurl: 'https://u:p@h/', turn_password: null,
    };
    expect(redactValue('', config)).toEqual({
      registration_shared_secret: '<redacted>', macaroon_secret_key: '<redacted>', form_secret: '<redacted>',
      worker_replication_secret: '<redacted>', password_config: { enabled: true, pepper: '<redacted>' }, public_baseurl: 'https://<redacted>@h/', turn_password: null,
    });
    // What tells nothing is kept: an empty or switched-off secret is not a set one.
    expect(redactValue('', { form_secret: '', turn_password: false, registration_shared_secret: [] })).toEqual({ form_secret: '', turn_password: false, registration_shared_secret: [] });
  });

  it('facts carry no secret, not even the part a template placeholder matched', () => {
    const file = parseYamlText('homeserver.yaml', Buffer.from('form_secret: "s3cr{{et}}-part"\nmacaroon_secret_key: "${MACAROON}"\nturn_password: [a-long-secret]\n'));
    const config = file.data!;
    const facts = buildServerFacts({ files: [file], config, ownerOf: new Map<string, YamlFile>(Object.keys(config).map((key) => [key, file])) }, ['homeserver.yaml']);
    expect(facts.get('form_secret')).toMatchObject({ value: '<redacted>', state: 'unknown', reason: { id: 'facts.placeholderInSecret', data: {} } });
    // A secret that is nothing but a placeholder is named, and said to be literal text if deployed as is.
    expect(facts.get('macaroon_secret_key')).toMatchObject({ value: '<redacted>', state: 'unknown', reason: { id: 'facts.literalSecret', data: { placeholder: '${MACAROON}' } } });
    expect(facts.get('turn_password').value).toBe('<redacted>');
    expect(facts.get('turn_password.0').value).toBe('<redacted>');
  });
});

describe('secretLines and redactYamlLine', () => {
  it('find every line a secret spans, its trailing comment and flow forms included', () => {
    const text = 'server_name: a\nturn_shared_secret: [x1, x2]\nform_secret: |\n  line one\n  line two\npresence:\n  enabled: true\nmacaroon_secret_key: k # old: j\nredis: {enabled: true, password: r}\npublic_baseurl: https://u:p@h/\n';
    expect([...secretLines(parseYamlText('f.yaml', Buffer.from(text)), text)].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 8, 9, 10]);
    expect(redactYamlLine('macaroon_secret_key: k # old: j')).toBe('macaroon_secret_key: <redacted>');
    expect(redactYamlLine('  - client_secret: "abc" # x')).toBe('  - client_secret: <redacted>');
    expect(redactYamlLine('redis: {enabled: true, password: r}')).toBe('redis: {enabled: true, password: <redacted>}');
    expect(redactYamlLine('presence: {enabled: true}')).toBe('presence: {enabled: true}');
  });
});

describe('remembered secrets and parser messages', () => {
  it('scrubs each form a secret may take: escaped, URL-encoded, base64, byte codes', () => {
    const bytes = new Uint8Array(Buffer.from('binsecret-9q'));
    rememberSecret('with "quote" & <tag>-7z');
    rememberSecret(bytes);
    expect(needlesOf(bytes)).toContain([...bytes].join(','));
    const text = `a ${JSON.stringify('with "quote" & <tag>-7z')} b with &quot;quote&quot; &amp; &lt;tag&gt;-7z c ${encodeURIComponent('with "quote" & <tag>-7z')} d ${[...bytes].join(', ')} e ${Buffer.from(bytes).toString('base64')}`;
    expect(scrubSecrets(text)).toBe('a "<redacted>" b <redacted> c <redacted> d <redacted> e <redacted>');
  });

  it('cuts what a parser quotes from a secret-looking key\'s line (or the next), and only that', () => {
    expect(redactQuotedOnSecretLine('"s3cr3t" is not a number', 'a: 1\nform_secret: !!float S3CR3T', 2)).toBe('<redacted> is not a number');
    expect(redactQuotedOnSecretLine('"x1" is not a number', 'redis: {password: !!float x1}', 1)).toBe('<redacted> is not a number');
    expect(redactQuotedOnSecretLine('"long-x" is not an integer', 'redis:\n  password: !!int\n    long-x', 2)).toBe('<redacted> is not an integer');
    expect(redactQuotedOnSecretLine('a plain = is YAML 1.1\'s "value" type; quote it: "="', 'form_secret: =', 1)).toBe('a plain = is YAML 1.1\'s "value" type; quote it: <redacted>');
    expect(redactQuotedOnSecretLine('"x" is not a number', 'bcrypt_rounds: !!float x', 1)).toBe('"x" is not a number');
  });
});
