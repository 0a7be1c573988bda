// ServerFacts: the effective value of every option as Synapse would use it, with its origin.
import type { Fact, FactSource, SourceLocation } from '../types.js';
import type { MergedConfig } from '../sources/config-files.js';
import type { MergedMas } from '../sources/mas-config.js';
import type { YamlFile } from '../sources/yaml-file.js';
import { catalogue, defaultOf } from './catalogue.js';
import { findPlaceholder, walk } from './values.js';
import { readAppservices, type AppserviceFacts } from './appservices.js';
import { isSecret, redactValue, rememberSecrets } from './redact.js';
import { fileMode } from '../sources/config-files.js';
import { DERIVED_FACTS } from './derived.js';
import { MAS_PREFIX, masFact } from './mas.js';
import { defineMessages } from '../messages/message.js';

export interface ServerFacts extends FactSource {
  target: 'config';
  inputs: string[];
  files: YamlFile[];
  config: Record<string, unknown>;
  /** Top-level key → where it is written (in the file that won the merge). */
  topLevelKeys: Array<{ key: string; location?: SourceLocation }>;
  appservices: AppserviceFacts[];
  /** Matrix Authentication Service's merged config, when given. */
  mas?: MergedMas;
  /** Permission bits of a file the config names (the signing key), or undefined if unreadable. */
  fileModes(path: string): number | undefined;
}

const message = defineMessages({
  'facts.placeholder': { en: 'unrendered template placeholder {placeholder}', fr: 'variable de modèle non remplacée {placeholder}' },
  'facts.placeholderInSecret': { en: 'unrendered template placeholder in a secret (not shown)', fr: 'variable de modèle non remplacée dans un secret (non affiché)' },
  // Synapse reads the file as it is: a placeholder in a secret is the secret, in plain sight.
  'facts.literalSecret': {
    en: 'unrendered template placeholder {placeholder}; Synapse does not expand variables (nor does the official Docker image, which does not render a config it is given): deployed as is, this secret is that literal text, known to anyone who has the template',
    fr: 'variable de modèle non remplacée {placeholder}\u00a0; Synapse ne remplace pas les variables (l’image Docker officielle non plus, elle ne transforme pas la configuration qu’on lui donne)\u00a0: déployé tel quel, ce secret est ce texte même, connu de quiconque a le modèle',
  },
});

export function buildServerFacts(merged: MergedConfig, inputs: string[]): ServerFacts {
  const { config, ownerOf, files } = merged;
  // Every secret read, for the output sinks to scrub should one slip past redaction.
  rememberSecrets('', config);
  for (const file of files) rememberSecrets('', file.data);
  rememberSecrets('', merged.mas?.config);
  const locate = (path: string): SourceLocation | undefined => ownerOf.get(path.split('.')[0])?.positions.get(path);

  const optionFact = (path: string): Fact => {
    if (path.startsWith(MAS_PREFIX)) return masFact(merged.mas, path);
    const parts = path.split('.');
    let { value, found } = walk(config, parts);
    // A null section (`retention:` with nothing under it) counts as absent, as in Synapse's `or {}`.
    if (found < parts.length) {
      const nearest = parts.slice(0, found).join('.');
      const fallback = defaultOf(path);
      return { path, value: fallback.value, state: 'default', location: nearest ? locate(nearest) : undefined };
    }
    // Placeholders are looked for before redaction ("<redacted>" would look like one);
    // rules never need a secret's content, so facts never carry one.
    // In a secret, the placeholder is named only when it is the whole value (a template's, not a secret).
    const written = findPlaceholder(value);
    const secret = isSecret(path, value);
    const hidden = Boolean(written) && secret && written !== value;
    // Only a secret that is nothing but a placeholder is surely a template's (and then literal text).
    const literal = secret && written === value;
    value = redactValue(path, value);
    const location = locate(path);
    if (written) {
      const reason = hidden ? message('facts.placeholderInSecret')
        : message(literal ? 'facts.literalSecret' : 'facts.placeholder', { placeholder: written });
      return { path, value, state: 'unknown', location, reason };
    }
    return { path, value, state: 'set', location };
  };
  const get = (path: string): Fact => (Object.hasOwn(DERIVED_FACTS, path) ? DERIVED_FACTS[path].derive(optionFact) : optionFact(path));

  const topLevelKeys = Object.keys(config).map((key) => ({ key, location: locate(key) }));
  const appservices = readAppservices(get('app_service_config_files'), files);
  return {
    target: 'config',
    inputs,
    files,
    config,
    topLevelKeys,
    appservices,
    mas: merged.mas,
    get,
    fileModes: fileMode,
    extra: { files, topLevelKeys, appservices, config },
  };
}
