// MAS facts: `mas.<option>` is the effective value of a catalogued MAS option (what the merged MAS
// files say, or MAS's default when absent) with where it is written.
import masCatalogueData from '../generated/mas-catalogue.json' with { type: 'json' };
import type { Fact } from '../types.js';
import { environmentNames, type MasLookup, type MergedMas } from '../sources/mas-config.js';
import { defineMessages, type Message } from '../messages/message.js';
import { findPlaceholder, walk } from './values.js';
import { isSecret, redactValue } from './redact.js';

export interface MasOption {
  type: 'bool' | 'integer' | 'string' | 'enum' | 'list';
  default: unknown;
  values?: unknown[];
}

export const masCatalogue = masCatalogueData as { mas: string; options: Record<string, MasOption>; topLevel: string[]; sections: Record<string, string[]> };

export const MAS_PREFIX = 'mas.';

/** The fact paths of the catalogued MAS options (`mas.account.password_registration_enabled`...). */
export const masFactPaths = (): string[] => Object.keys(masCatalogue.options).map((path) => MAS_PREFIX + path);

export const masMessage = defineMessages({
  'mas.noConfig': { en: 'no MAS config was given: pass --mas-config FILE (repeatable) or set MAS_CONFIG', fr: 'aucune configuration MAS n’a été donnée\u00a0: passez --mas-config FICHIER (répétable) ou renseignez MAS_CONFIG' },
  'mas.refusedBool': {
    en: '{value}, which MAS refuses: it reads YAML 1.2, where only true and false are booleans (yes, no, on and off are text)',
    fr: '{value}, ce que MAS refuse\u00a0: il lit du YAML 1.2, où seuls true et false sont des booléens (yes, no, on et off sont du texte)',
  },
  'mas.refusedInteger': { en: '{value}, which MAS refuses: it expects an integer', fr: '{value}, ce que MAS refuse\u00a0: il attend un entier' },
  'mas.refusedText': { en: '{value}, which MAS refuses: it expects text', fr: '{value}, ce que MAS refuse\u00a0: il attend du texte' },
  'mas.refusedEnum': { en: '{value}, which MAS refuses: it expects one of {values}', fr: '{value}, ce que MAS refuse\u00a0: il attend l’une de ces valeurs\u00a0: {values}' },
  'mas.refusedList': { en: '{value}, which MAS refuses: it expects a list', fr: '{value}, ce que MAS refuse\u00a0: il attend une liste' },
  'mas.placeholder': { en: 'unrendered template placeholder {placeholder}', fr: 'variable de modèle non remplacée\u00a0: {placeholder}' },
  'mas.placeholderInSecret': { en: 'in a secret (not shown)', fr: 'dans un secret (non affichée)' },
  'mas.found': {
    en: 'no --mas-config nor MAS_CONFIG was given: using the MAS config found at {file}',
    fr: 'ni --mas-config ni MAS_CONFIG n’ont été donnés\u00a0: mxlint lit la configuration MAS trouvée dans {file}',
  },
  'mas.notFound': {
    en: 'Synapse delegates sign-up to Matrix Authentication Service ({path}), but no MAS config was given, and none was found at {looked}; the sign-up rules stay unknown: pass --mas-config FILE (repeatable) or set MAS_CONFIG',
    fr: 'Synapse confie l’inscription à Matrix Authentication Service ({path}), mais aucune configuration MAS n’a été donnée, et aucune n’a été trouvée dans {looked}\u00a0; les règles d’inscription restent indéterminées\u00a0: passez --mas-config FICHIER (répétable) ou renseignez MAS_CONFIG',
  },
  'mas.notGiven': {
    en: 'Synapse delegates sign-up to Matrix Authentication Service ({path}), but no MAS config was given: pass --mas-config FILE (repeatable) or set MAS_CONFIG; the sign-up rules stay unknown',
    fr: 'Synapse confie l’inscription à Matrix Authentication Service ({path}), mais aucune configuration MAS n’a été donnée\u00a0: passez --mas-config FICHIER (répétable) ou renseignez MAS_CONFIG\u00a0; les règles d’inscription restent indéterminées',
  },
  'mas.notDelegated': {
    en: "a MAS config was given, but Synapse does not delegate to Matrix Authentication Service (matrix_authentication_service.enabled is not true): MAS's config is not used, and the sign-up rules judge Synapse's own settings",
    fr: 'une configuration MAS a été donnée, mais Synapse ne délègue pas à Matrix Authentication Service (matrix_authentication_service.enabled ne vaut pas true)\u00a0: la configuration de MAS ne sert pas, et les règles d’inscription jugent les réglages de Synapse',
  },
  'mas.environment': {
    en: 'MAS reads these environment variables of mxlint\'s below its files: {names}',
    fr: 'MAS lit ces variables d’environnement de mxlint sous ses fichiers\u00a0: {names}',
  },
});

/** The reason of every fact that needs a MAS config when none was given. */
export const NO_MAS_CONFIG = masMessage('mas.noConfig');
export const isNoMasConfig = (reason: Fact['reason']): boolean => typeof reason === 'object' && reason.id === 'mas.noConfig';

/** Why MAS would refuse this value for an option of this type, or undefined when it takes it. */
function refusal(option: MasOption, value: unknown): Message | undefined {
  const shown = JSON.stringify(value);
  if (option.type === 'bool' && typeof value !== 'boolean') return masMessage('mas.refusedBool', { value: shown });
  if (option.type === 'integer' && !Number.isInteger(value)) return masMessage('mas.refusedInteger', { value: shown });
  if (option.type === 'string' && value !== null && typeof value !== 'string') return masMessage('mas.refusedText', { value: shown });
  if (option.type === 'enum' && !option.values!.includes(value)) return masMessage('mas.refusedEnum', { value: shown, values: option.values!.map((item) => JSON.stringify(item)).join(', ') });
  if (option.type === 'list' && value !== null && !Array.isArray(value)) return masMessage('mas.refusedList', { value: shown });
  return undefined;
}

/** What the report says about the MAS config: which file was found, that none was, the
 *  environment variables read, a MAS config that nothing uses. */
export function masWarnings(facts: { get: (path: string) => Fact; mas?: MergedMas }, lookup: MasLookup | undefined): Message[] {
  const decidedBy = facts.get('signup.decidedBy');
  const notes: Message[] = [];
  if (lookup?.found && facts.mas) notes.push(masMessage('mas.found', { file: lookup.found }));
  if (decidedBy.value === 'mas' && !facts.mas) {
    notes.push(lookup ? masMessage('mas.notFound', { path: decidedBy.from ?? decidedBy.path, looked: lookup.looked.join(', ') }) : masMessage('mas.notGiven', { path: decidedBy.from ?? decidedBy.path }));
  }
  if (decidedBy.value === 'synapse' && facts.mas) notes.push(masMessage('mas.notDelegated'));
  const names = facts.mas ? environmentNames(facts.mas) : [];
  if (names.length) notes.push(masMessage('mas.environment', { names: names.join(', ') }));
  return notes;
}

/** `mas.<path>` from the merged MAS config; unknown when no MAS config was given. Paths under a
 *  catalogued option (`mas.upstream_oauth2.providers.0.issuer`) are read as written. */
export function masFact(mas: MergedMas | undefined, path: string): Fact {
  const optionPath = path.slice(MAS_PREFIX.length);
  if (!mas) return { path, value: undefined, state: 'unknown', reason: NO_MAS_CONFIG };
  const option = masCatalogue.options[optionPath];
  const parts = optionPath.split('.');
  let { value, found } = walk(mas.config, parts);
  const nearest = parts.slice(0, found).join('.');
  if (found < parts.length) return { path, value: option?.default, state: 'default', defaultBy: 'MAS', location: nearest ? mas.positions.get(nearest) : undefined };
  const location = mas.positions.get(optionPath);
  // Placeholders are looked for before redaction; one inside a secret is not shown.
  const written = findPlaceholder(value);
  const placeholder = written && isSecret(path, value) ? masMessage('mas.placeholderInSecret') : written;
  const refused = option && refusal(option, value);
  value = redactValue(path, value);
  if (placeholder) return { path, value, state: 'unknown', location, reason: masMessage('mas.placeholder', { placeholder }) };
  if (refused) return { path, value, state: 'unknown', location, reason: refused };
  return { path, value, state: 'set', location };
}
