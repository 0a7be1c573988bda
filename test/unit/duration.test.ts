import { describe, expect, it } from 'vitest';
import { parseDuration, parseSize, formatDuration } from '../../src/facts/duration.js';
import { render, type Message } from '../../src/messages/message.js';

describe('parseDuration (as Synapse parse_duration)', () => {
  it.each([
    [1000, 1000],
    ['1000', 1000],
    ['1s', 1000],
    ['6m', 360_000],
    ['2h', 7_200_000],
    ['180d', 15_552_000_000],
    ['26w', 26 * 604_800_000],
    ['1y', 31_536_000_000],
    [' 1d', 86_400_000],
    ['+5m', 300_000],
    ['-1d', -86_400_000],
    ['1_000', 1000],
  ])('%j is %d ms', (input, expected) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: expected });
  });

  it.each([['6M'], ['1D'], ['1.5d'], [''], ['1d '], ['d'], [true], [1.5], [null], [['1d']], ['1__0']])('%j is refused', (input) => {
    expect(parseDuration(input).ok).toBe(false);
  });
});

describe('parseSize (as Synapse parse_size)', () => {
  it('reads K/M/G/T as powers of 1024 and integers as bytes', () => {
    expect(parseSize('50M')).toEqual({ ok: true, value: 50 * 1024 * 1024 });
    expect(parseSize('1G')).toEqual({ ok: true, value: 1024 ** 3 });
    expect(parseSize(123)).toEqual({ ok: true, value: 123 });
  });
  it.each([['50m'], ['1k'], ['500MiB'], ['1.5M']])('%j is refused', (input) => {
    expect(parseSize(input).ok).toBe(false);
  });
});

describe('formatDuration', () => {
  it('uses the largest whole unit', () => {
    expect(formatDuration(15_552_000_000)).toBe('180d');
    expect(formatDuration(31_536_000_000)).toBe('1y');
    expect(formatDuration(360_000)).toBe('6m');
  });
});

describe('what Python reads that JavaScript would not (checked with Synapse 1.160)', () => {
  it.each([
    ['\uff11\uff10d', 10 * 86_400_000], // full-width digits: int() reads them
    ['\uff11\uff10', 10],
    ['\u0663d', 3 * 86_400_000], // Arabic-Indic three
    ['\u{1D7D1}s', 3000], // mathematical bold three (an astral digit)
  ])('%j is %d ms', (input, expected) => {
    expect(parseDuration(input)).toEqual({ ok: true, value: expected });
  });

  it('refuses a float, even a whole one: Synapse reads no duration or size from 1500.0', () => {
    expect(parseDuration(1500, true)).toMatchObject({ ok: false, error: { id: 'duration.float', data: { what: { id: 'duration.what.duration' }, value: '1500.0' } } });
    expect(render('en', (parseDuration(1500, true) as { error: Message }).error)).toMatch(/^a duration must be an integer or a string, not a float \(1500\.0: /);
    expect(parseDuration('6M')).toMatchObject({ ok: false, error: { id: 'duration.badSuffix', data: { suffix: 'M', allowed: 's, m, h, d, w, y' } } });
    expect(parseSize([1])).toMatchObject({ ok: false, error: { id: 'duration.notIntegerOrString', data: { what: { id: 'duration.what.size' }, kind: { id: 'kind.list' } } } });
    expect(parseSize(1500, true)).toMatchObject({ ok: false });
    expect(parseDuration(1500)).toEqual({ ok: true, value: 1500 });
  });

  it('refuses a superscript two, which isdigit() accepts and int() does not', () => {
    expect(parseDuration('10\u00b2').ok).toBe(false);
  });
});
