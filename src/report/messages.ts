// Every word the reports print around the findings, in English and French. Check messages stay
// English (they come from check functions); everything around them follows --lang.
import type { Lang, Level, Status, Verdict } from '../types.js';

const en = {
  'verdict.fit': 'fit',
  'verdict.fit-with-warnings': 'fit with warnings',
  'verdict.unfit': 'unfit',
  'verdict.unknown': 'unknown',
  'level.error': 'error',
  'level.warning': 'warning',
  'level.info': 'info',
  'status.pass': 'pass',
  'status.fail': 'fail',
  'status.unknown': 'unknown',
  'heading.verdicts': 'Verdicts',
  'heading.findings': 'Findings',
  'heading.suppressed': 'Suppressed findings',
  'heading.notes': 'Notes',
  'heading.rooms': 'Rooms',
  'heading.report': 'Privacy audit',
  'table.useCase': 'use case',
  'table.verdict': 'verdict',
  'table.errors': 'errors',
  'table.warnings': 'warnings',
  'table.info': 'info',
  'table.unknown': 'unknown',
  'table.rule': 'rule',
  'table.level': 'level',
  'table.where': 'where',
  'table.reason': 'reason',
  'table.room': 'room',
  'table.fits': 'fits',
  'label.fix': 'fix',
  'label.why': 'why',
  'label.seen': 'seen',
  'label.default': '(default)',
  'label.noFindings': 'no findings',
  'label.warning': 'warning',
  'label.date': 'Date',
  'label.version': 'mxlint version',
  'label.server': 'Server',
  'label.target': 'Audited',
  'label.inputs': 'Inputs',
  'label.useCases': 'Use cases',
  'label.ruleSource': 'Source',
  'label.policy': 'Policy file',
  'label.suppressedBy.inline': 'inline comment',
  'label.suppressedBy.policy': 'policy file',
  'label.suppressedBy.baseline': 'baseline',
  'label.levels': 'Level per use case',
  'label.article': 'From the guide',
  'label.whatToChange': 'What to change',
  'label.decide': 'To decide',
  'label.rationale': 'Why',
  'label.target.config': 'homeserver configuration',
  'label.target.room': 'room',
  'label.target.server': 'server',
  'label.off': 'off',
  'label.override': 'set by the policy file',
  'label.room': 'Room',
  'label.fitsNone': 'fits no use case',
  'label.nearest': 'nearest',
  'markdown.intro': 'This report was produced by mxlint, which checks a Matrix (Synapse) server against the privacy guide of ARN, per use case. A verdict says whether the server can host that use case as the guide recommends.',
  'markdown.noFailures': 'No check failed for the use cases audited.',
  'markdown.legend': 'fit: no failing check; fit with warnings: only recommendations fail; unfit: a required check fails; unknown: a required check could not be made.',
  'note.unusedSuppression': 'unused suppression: {rule} does not fail on {where}; remove the comment',
  'note.unknownRuleSuppression': 'suppression names an unknown rule {rule}',
  'note.suppressionWithoutReason': 'suppression without a reason is ignored; write "# mxlint-disable-next-line {rule} -- why"',
  'note.expiredIgnore': '{rule} was ignored by the policy file until {until}; the ignore has expired and its findings are reported again',
  'note.staleBaseline': 'baseline entry no longer found: {key}',
  'note.expiredFinding': 'ignored until {until} (expired)',
  'summary.suppressed': '{count} finding(s) suppressed',
  'summary.baseline': '{count} finding(s) already in the baseline',
  'summary.audit': '{audited} of {total} room(s) audited, {skipped} skipped, {failed} failed',
  'summary.incomplete': 'the audit is INCOMPLETE',
  'summary.failures': 'could not audit {count} room(s) (reported as unknown, not as passing):',
  'label.declared': 'declared',
  'heading.topFindings': 'Top findings (rooms)',
  'heading.defaults': 'Options not set (Synapse\'s defaults)',
  'heading.general': 'Other checks',
  'heading.roomFindings': 'Findings across rooms',
  'label.more': '{count}\u00a0more',
  'label.rooms': '{count} room(s)',
  'summary.problems': '{counts} over {useCases}',
  'summary.separator': '; ',
  'summary.unfitFor': 'unfit for {count}',
  'summary.unknownFor': 'unknown for {count}',
  'unit.error': 'error|errors',
  'unit.warning': 'warning|warnings',
  'unit.note': 'note|notes',
  'unit.unknownCheck': 'unknown|unknown',
  'unit.useCase': 'use case|use cases',
  'unit.room': 'room|rooms',
} as const;

export type MessageKey = keyof typeof en;

const fr: Record<MessageKey, string> = {
  'verdict.fit': 'adapté',
  'verdict.fit-with-warnings': 'adapté avec réserves',
  'verdict.unfit': 'inadapté',
  'verdict.unknown': 'indéterminé',
  'level.error': 'erreur',
  'level.warning': 'avertissement',
  'level.info': 'info',
  'status.pass': 'conforme',
  'status.fail': 'échec',
  'status.unknown': 'inconnu',
  'heading.verdicts': 'Verdicts',
  'heading.findings': 'Constats',
  'heading.suppressed': 'Constats neutralisés',
  'heading.notes': 'Remarques',
  'heading.rooms': 'Salons',
  'heading.report': 'Audit de confidentialité',
  'table.useCase': "cas d'usage",
  'table.verdict': 'verdict',
  'table.errors': 'erreurs',
  'table.warnings': 'avertiss.',
  'table.info': 'info',
  'table.unknown': 'inconnus',
  'table.rule': 'règle',
  'table.level': 'niveau',
  'table.where': 'où',
  'table.reason': 'raison',
  'table.room': 'salon',
  'table.fits': 'adapté à',
  'label.fix': 'corriger',
  'label.why': 'pourquoi',
  'label.seen': 'valeur',
  'label.default': '(défaut)',
  'label.noFindings': 'aucun constat',
  'label.warning': 'attention',
  'label.date': 'Date',
  'label.version': 'Version de mxlint',
  'label.server': 'Serveur',
  'label.target': 'Objet de l’audit',
  'label.inputs': 'Entrées',
  'label.useCases': "Cas d'usage",
  'label.ruleSource': 'Source',
  'label.policy': 'Fichier de politique',
  'label.suppressedBy.inline': 'commentaire en ligne',
  'label.suppressedBy.policy': 'fichier de politique',
  'label.suppressedBy.baseline': 'référence (baseline)',
  'label.levels': "Niveau par cas d'usage",
  'label.article': 'Extrait du guide',
  'label.whatToChange': 'Que changer',
  'label.decide': 'À décider',
  'label.rationale': 'Pourquoi',
  'label.target.config': 'configuration du serveur',
  'label.target.room': 'salon',
  'label.target.server': 'serveur',
  'label.off': 'désactivée',
  'label.override': 'fixé par le fichier de politique',
  'label.room': 'Salon',
  'label.fitsNone': "adapté à aucun cas d'usage",
  'label.nearest': 'les plus proches',
  'markdown.intro': "Ce rapport a été produit par mxlint, qui vérifie un serveur Matrix (Synapse) selon le guide de confidentialité d'ARN, cas d'usage par cas d'usage. Un verdict dit si le serveur peut accueillir ce cas d'usage comme le guide le recommande.",
  'markdown.noFailures': "Aucune vérification n'échoue pour les cas d'usage audités.",
  'markdown.legend': "adapté : aucune vérification n'échoue ; adapté avec réserves : seules des recommandations échouent ; inadapté : une vérification requise échoue ; indéterminé : une vérification requise n'a pas pu être faite.",
  'note.unusedSuppression': "neutralisation inutile : {rule} n'échoue pas sur {where} ; retirer le commentaire",
  'note.unknownRuleSuppression': 'la neutralisation nomme une règle inconnue {rule}',
  'note.suppressionWithoutReason': 'neutralisation sans raison ignorée ; écrire « # mxlint-disable-next-line {rule} -- pourquoi »',
  'note.expiredIgnore': "{rule} était ignorée par le fichier de politique jusqu'au {until} ; c'est expiré et ses constats sont de nouveau signalés",
  'note.staleBaseline': 'entrée de la référence plus retrouvée : {key}',
  'note.expiredFinding': "ignorée jusqu'au {until} (expiré)",
  'summary.suppressed': '{count} constat(s) neutralisé(s)',
  'summary.baseline': '{count} constat(s) déjà dans la référence',
  'summary.audit': '{audited} salon(s) audité(s) sur {total}, {skipped} écarté(s), {failed} en échec',
  'summary.incomplete': "l'audit est INCOMPLET",
  'summary.failures': "{count} salon(s) n'ont pas pu être audités (comptés inconnus, pas conformes) :",
  'label.declared': 'déclaré',
  'heading.topFindings': 'Constats les plus fréquents (salons)',
  'heading.defaults': 'Options absentes (valeurs par défaut de Synapse)',
  'heading.general': 'Autres vérifications',
  'heading.roomFindings': 'Constats sur l’ensemble des salons',
  'label.more': '{count}\u00a0autres',
  'label.rooms': '{count} salon(s)',
  'summary.problems': '{counts} sur {useCases}',
  'summary.separator': '\u202f; ',
  'summary.unfitFor': 'inadapté pour {count}',
  'summary.unknownFor': 'indéterminé pour {count}',
  'unit.error': 'erreur|erreurs',
  'unit.warning': 'avertissement|avertissements',
  'unit.note': 'note|notes',
  'unit.unknownCheck': 'indéterminé|indéterminés',
  'unit.useCase': 'cas d’usage|cas d’usage',
  'unit.room': 'salon|salons',
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { en, fr };

/** A message in `lang`, with {placeholders} filled in. */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return MESSAGES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

type UnitKey = Extract<MessageKey, `unit.${string}`> extends `unit.${infer Name}` ? Name : never;

/** "1 error", "3 errors"; French takes the singular for 0 and 1. */
export function unit(lang: Lang, name: UnitKey, count: number): string {
  const [one, other] = t(lang, `unit.${name}` as MessageKey).split('|');
  const singular = lang === 'fr' ? count < 2 : count === 1;
  return `${count}\u00a0${singular ? one : other}`;
}

/** A colon after a word: French puts a no-break space before it. */
export const colon = (lang: Lang): string => (lang === 'fr' ? '\u00a0: ' : ': ');

export const verdictWord = (lang: Lang, verdict: Verdict | 'unclassified'): string =>
  verdict === 'unclassified' ? t(lang, 'label.fitsNone') : t(lang, `verdict.${verdict}`);
export const levelWord = (lang: Lang, level: Exclude<Level, 'off'>): string => t(lang, `level.${level}`);
export const statusWord = (lang: Lang, status: Status): string => t(lang, `status.${status}`);

/** --lang, else LC_ALL, LC_MESSAGES, LANG (fr_* → fr), else English. */
export function detectLang(env: NodeJS.ProcessEnv = process.env): Lang {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^fr([_.@-]|$)/i.test(locale) ? 'fr' : 'en';
}

export function chooseLang(value: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  return value === 'en' || value === 'fr' ? value : detectLang(env);
}
