// The scrubber of server text (src/sources/scrub.ts): the process's own tokens whatever their
// shape, and anything token-shaped; an answer stays valid JSON once scrubbed.
import { describe, expect, it } from 'vitest';
import { rememberSecret, scrubAnswer, scrubSecrets } from '../../src/sources/scrub.js';

describe('scrubSecrets', () => {
  it('removes token shapes: Synapse, MAS, macaroons, after Bearer (any case) and access_token=', () => {
    expect(scrubSecrets('Invalid token syt_YWxpY2U_abcdefghijKLMNOP_1a2b3c here')).toBe('Invalid token [redacted] here');
    expect(scrubSecrets('mat_0123456789abcdef / mct_ABCDEFGHIJKL_0 / mcr_zzzzzzzzzz / syr_refreshrefresh')).toBe('[redacted] / [redacted] / [redacted] / [redacted]');
    expect(scrubSecrets('macaroon MDAxY2xvY2F0aW9uIGV4YW1wbGUub3JnCjAwMTNpZGVudGlmaWVy==')).toBe('macaroon [redacted]');
    expect(scrubSecrets('Authorization: Bearer 0123456789abcdef0123, bearer QUJDREVGR0hJSktMTU5PUA==, BEARER x.y.z-long_')).toBe('Authorization: Bearer [redacted], bearer [redacted], BEARER [redacted]');
    expect(scrubSecrets('https://h/_matrix?access_token=secret-ish&x=1')).toBe('https://h/_matrix?access_token=[redacted]&x=1');
  });

  it('leaves ordinary text alone: short words after Bearer, format_ names, user ids', () => {
    for (const text of ['Bearer token', 'format_version_2', '@alice:example.org left', 'M_UNKNOWN_TOKEN']) expect(scrubSecrets(text)).toBe(text);
  });

  it('removes a remembered token of any shape', () => {
    rememberSecret('plain-old-appservice-token-42');
    rememberSecret('short');
    expect(scrubSecrets('as_token plain-old-appservice-token-42 short')).toBe('as_token [redacted] short');
  });
});

describe('scrubAnswer', () => {
  it('returns the same bytes when nothing is token-shaped, valid JSON when something is', () => {
    const clean = Buffer.from(JSON.stringify({ rooms: [{ name: 'team chat' }] }));
    expect(scrubAnswer(clean)).toBe(clean);
    const mentions = Buffer.from(JSON.stringify({ topic: 'tokens begin with syt_' }));
    expect(scrubAnswer(mentions).equals(mentions)).toBe(true);
    const echoed = Buffer.from(JSON.stringify({ errcode: 'M_UNKNOWN_TOKEN', error: 'bad "Bearer syt_a2V5_abcdefghij_0"', name: 'syt_a2V5_abcdefghij_0' }));
    expect(JSON.parse(scrubAnswer(echoed).toString())).toEqual({ errcode: 'M_UNKNOWN_TOKEN', error: 'bad "Bearer [redacted]"', name: '[redacted]' });
  });
});
