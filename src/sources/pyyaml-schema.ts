// Scalar resolution exactly as PyYAML's (resolver.py), which Synapse uses. The `yaml` package's
// YAML 1.1 schema is close but not equal: it reads `y`/`n` as booleans, `1e3` and `09` as numbers,
// and a plain `=` as a string where PyYAML's safe_load fails.
import { Scalar, type ScalarTag, type Tags } from 'yaml';

const BOOL = 'tag:yaml.org,2002:bool';
const INT = 'tag:yaml.org,2002:int';
const FLOAT = 'tag:yaml.org,2002:float';

const plain = (text: string) => text.replaceAll('_', '');
const signOf = (text: string) => (text.startsWith('-') ? -1 : 1);
const unsigned = (text: string) => plain(text).replace(/^[-+]/, '');

/** PyYAML's base-60 reading: `1:30` is 90. */
function sexagesimal(text: string, parse: (part: string) => number): number {
  let value = 0;
  for (const part of unsigned(text).split(':')) value = value * 60 + parse(part);
  return signOf(text) * value;
}

const scalar = (tag: string, test: RegExp, resolve: (text: string) => unknown): ScalarTag => ({
  tag,
  test,
  default: true,
  identify: tag === BOOL ? (v) => typeof v === 'boolean' : tag === INT ? (v) => Number.isInteger(v) : (v) => typeof v === 'number',
  resolve: (text: string) => new Scalar(resolve(text)) as never,
});

export const PYYAML_TAGS: ScalarTag[] = [
  scalar(BOOL, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/, () => true),
  scalar(BOOL, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/, () => false),
  scalar(INT, /^[-+]?0b[0-1_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t).slice(2), 2)),
  scalar(INT, /^[-+]?0[0-7_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t), 8)),
  scalar(INT, /^[-+]?(?:0|[1-9][0-9_]*)$/, (t) => Number.parseInt(plain(t), 10)),
  scalar(INT, /^[-+]?0x[0-9a-fA-F_]+$/, (t) => signOf(t) * Number.parseInt(unsigned(t).slice(2), 16)),
  scalar(INT, /^[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+$/, (t) => sexagesimal(t, (part) => Number.parseInt(part, 10))),
  scalar(FLOAT, /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?)$/, (t) => Number.parseFloat(plain(t))),
  scalar(FLOAT, /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/, (t) => sexagesimal(t, (part) => Number.parseFloat(part))),
  scalar(FLOAT, /^[-+]?\.(?:inf|Inf|INF)$/, (t) => signOf(t) * Infinity),
  scalar(FLOAT, /^\.(?:nan|NaN|NAN)$/, () => Number.NaN),
  // A plain `=` resolves to YAML 1.1's "value" type, which safe_load has no constructor for:
  // PyYAML (so Synapse) cannot read the file at all.
  {
    tag: 'tag:yaml.org,2002:value',
    test: /^=$/,
    default: true,
    resolve: (text: string, onError: (message: string) => void) => {
      onError('a plain = is YAML 1.1\'s "value" type, which PyYAML (so Synapse) cannot read; quote it: "="');
      return text;
    },
  },
];

/** For `parseDocument(..., { customTags })`: the 1.1 schema with PyYAML's bool/int/float. */
export function pyyamlTags(tags: Tags): Tags {
  const others = tags.filter((tag) => typeof tag === 'string' || ![BOOL, INT, FLOAT].includes(tag.tag));
  return [...PYYAML_TAGS, ...others];
}
