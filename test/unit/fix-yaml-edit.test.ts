// The YAML editor behind `mxlint config --fix`: each edit changes the fixed key's text and nothing else.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { editYaml, EditError, formatFlow } from '../../src/fix/yaml-edit.js';
import type { Leaf } from '../../src/fix/patch.js';

const set = (path: string, value: unknown): Leaf => ({ path: path.split('.'), value });
const remove = (path: string): Leaf => ({ path: path.split('.'), remove: true });
const read = (text: string) => parse(text, { version: '1.1' });

describe('editYaml', () => {
  it('replaces a scalar in place, keeping the comment after it and every other byte', () => {
    const text = '# head\nserver_name: "example.org"   # name\n\nreport_stats: yes  # sure?\nlast: 1\n';
    expect(editYaml(text, [set('report_stats', false)])).toBe('# head\nserver_name: "example.org"   # name\n\nreport_stats: false  # sure?\nlast: 1\n');
  });

  it('keeps the quotes of a quoted string it replaces with a string', () => {
    expect(editYaml("a: '30d'\nb: \"1y\"\n", [set('a', '180d'), set('b', '28d')])).toBe("a: '180d'\nb: \"28d\"\n");
  });

  it('writes a boolean unquoted where a quoted "false" was (the bug the rule catches)', () => {
    expect(editYaml('allow_guest_access: "false"\n', [set('allow_guest_access', false)])).toBe('allow_guest_access: false\n');
  });

  it('adds a missing nested key after the last key of its mapping, at its indentation', () => {
    const text = 'retention:\n    enabled: true   # on\n    # allowed_lifetime_min: 1d\n\nother: 1\n';
    const edited = editYaml(text, [set('retention.default_policy.max_lifetime', '180d')]);
    expect(edited).toBe('retention:\n    enabled: true   # on\n    default_policy:\n        max_lifetime: 180d\n    # allowed_lifetime_min: 1d\n\nother: 1\n');
    expect(read(edited).retention).toEqual({ enabled: true, default_policy: { max_lifetime: '180d' } });
  });

  it('appends a missing top-level key at the end of the file, with the file\'s indentation step', () => {
    const text = 'a:\n   b: 1\n# trailing comment';
    expect(editYaml(text, [set('retention.enabled', true)])).toBe('a:\n   b: 1\n# trailing comment\nretention:\n   enabled: true\n');
  });

  it('fills an empty or null section', () => {
    expect(editYaml('retention:\nnext: 1\n', [set('retention.enabled', true)])).toBe('retention:\n  enabled: true\nnext: 1\n');
    expect(editYaml('retention: ~  # none\nnext: 1\n', [set('retention.enabled', true)])).toBe('retention:  # none\n  enabled: true\nnext: 1\n');
  });

  it('adds to a flow mapping inside its braces', () => {
    expect(editYaml('presence: {enabled: true}\n', [set('presence.enabled', false)])).toBe('presence: {enabled: false}\n');
    expect(editYaml('push: { }\n', [set('push.include_content', false)])).toBe('push: {include_content: false }\n');
    expect(editYaml('push: {a: 1}\n', [set('push.b.c', 'x')])).toBe('push: {a: 1, b: {c: x}}\n');
  });

  it('comments a removed key out instead of deleting it, block value included', () => {
    const text = 'report_stats: false\nsentry:\n  dsn: "https://x"  # key\n  # env: prod\nnext: 1\n';
    const edited = editYaml(text, [remove('sentry')]);
    expect(edited).toBe('report_stats: false\n# sentry:\n  # dsn: "https://x"  # key\n  # env: prod\nnext: 1\n');
    expect(read(edited)).toEqual({ report_stats: false, next: 1 });
  });

  it('replaces a block list by a flow value, commenting the old items out', () => {
    const text = 'federation_domain_whitelist:  # peers\n  - a.org\n  # b\n  - c.org\nnext: 1\n';
    const edited = editYaml(text, [set('federation_domain_whitelist', [])]);
    expect(edited).toBe('federation_domain_whitelist: []  # peers\n  # - a.org\n  # b\n  # - c.org\nnext: 1\n');
    expect(read(edited)).toEqual({ federation_domain_whitelist: [], next: 1 });
  });

  it('edits the last of duplicate keys, the one Synapse keeps', () => {
    expect(editYaml('a: 1\na: 2\n', [set('a', 3)])).toBe('a: 1\na: 3\n');
  });

  it('keeps CRLF line endings in what it adds', () => {
    expect(editYaml('a:\r\n  b: 1\r\n', [set('a.c', 2)])).toBe('a:\r\n  b: 1\r\n  c: 2\r\n');
  });

  it('writes into an empty file', () => {
    expect(editYaml('', [set('report_stats', false)])).toBe('report_stats: false\n');
    expect(editYaml('# only comments', [set('a.b', 1)])).toBe('# only comments\na:\n  b: 1\n');
  });

  it('does nothing for the removal of a key that is not there', () => {
    expect(editYaml('a: 1\n', [remove('b.c'), remove('a.x')])).toBe('a: 1\n');
  });

  it('refuses what it cannot do without guessing', () => {
    expect(() => editYaml('base: &b {x: 1}\nretention: *b\n', [set('retention.enabled', true)])).toThrow(EditError);
    expect(() => editYaml('retention: [1]\n', [set('retention.enabled', true)])).toThrow(/not a mapping/);
    // Saying why quotes the value in the way, never a secret or a URL password.
    expect(() => editYaml('password_config: s3cr3t-value\n', [set('password_config.enabled', true)])).toThrow('password_config is the value "<redacted>", not a mapping');
    expect(() => editYaml('email: smtp://u:pw@h\n', [set('email.enable_notifs', false)])).toThrow('email is the value "smtp://<redacted>@h", not a mapping');
  });
});

describe('formatFlow', () => {
  it('quotes what YAML 1.1 would read as something else', () => {
    expect(formatFlow('no')).toBe("'no'");
    expect(formatFlow('0660')).toBe("'0660'");
    expect(formatFlow('180d')).toBe('180d');
    expect(formatFlow('1:30')).toBe("'1:30'");
    expect(formatFlow('invite')).toBe('invite');
    expect(formatFlow([{ server_name: 'a.org' }])).toBe('[{server_name: a.org}]');
    expect(formatFlow('a, b')).toBe('a, b');
    expect(formatFlow(['a, b'])).toBe("['a, b']");
  });
});
