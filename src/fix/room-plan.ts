// `mxlint room --plan`: the state events that bring a room to its declared use case, from the
// failing room rules' fix.set. A room rule's fix.set names event types (state key ""), each with a
// merge patch of the event's content (RFC 7396: merged into the current content, null removes a
// key; an event type set to null is emptied); the key `directory` (not an event type) sets the
// room directory visibility. What cannot change in place needs a new room: m.room.create
// (m.federate) never changes, and encryption cannot be turned off.
import type { Finding, Lang, Report, Rule } from '../types.js';
import { lintRoom, type RoomLintResult } from '../lint-room.js';
import type { RoomInput, StateEvent } from '../facts/room-facts.js';
import type { ServerFacts } from '../facts/server-facts.js';
import { verdicts } from '../engine/verdicts.js';
import { applyLeaves, isMapping, leafHolds, sameValue, type Leaf } from './patch.js';
import { fixToFixedPoint, selectFixes, type Clash, type FixLevel, type Selection, type ToDo } from './select.js';
import { defineMessages, render } from '../messages/message.js';

const say = defineMessages({
  'plan.why.create': {
    en: 'm.room.create (m.federate among it) is fixed when the room is created and can never change',
    fr: 'm.room.create (dont m.federate) est fixé à la création du salon et ne peut jamais changer',
  },
  'plan.why.encryption': { en: 'encryption cannot be turned off in a room', fr: 'le chiffrement d’un salon ne peut pas être désactivé' },
  'plan.why.encryptionOn': { en: 'once on, encryption cannot be turned off', fr: 'une fois activé, le chiffrement ne peut plus être désactivé' },
  'plan.byHand.aliases': {
    en: 'move the room\'s addresses ({aliases}) to the new room: delete them here, add them there, and set its main address',
    fr: 'déplacer les adresses du salon ({aliases}) vers le nouveau salon\u00a0: les supprimer ici, les ajouter là-bas et définir son adresse principale',
  },
  'plan.byHand.bridge': {
    en: 'link the bridge to the new room again (each bridge has its own command)',
    fr: 'relier de nouveau la passerelle au nouveau salon (chaque passerelle a sa propre commande)',
  },
  'plan.tombstone.body': {
    en: 'This room has been replaced: its settings could not be changed in place.',
    fr: 'Ce salon a été remplacé\u00a0: ses réglages ne pouvaient pas être changés sur place.',
  },
});

/** The pseudo event type that stands for the room directory (PUT /directory/list/room/{roomId}). */
export const DIRECTORY = 'directory';
export const MEGOLM = 'm.megolm.v1.aes-sha2';

export interface StateStep {
  kind: 'state';
  type: string;
  stateKey: string;
  /** The current content; null when the room has no such event. */
  before: Record<string, unknown> | null;
  /** The whole content to send (the current one with the patch merged in). */
  content: Record<string, unknown>;
  /** The keys that change, for people: `join_rule: "public" → "invite"`. */
  changes: Array<{ path: string[]; before: unknown; after: unknown; removed?: boolean }>;
  ruleIds: string[];
  /** Why it cannot be undone, when it cannot. */
  irreversible?: string;
}

export interface DirectoryStep {
  kind: 'directory';
  before: 'public' | 'private' | 'unknown';
  visibility: 'public' | 'private';
  ruleIds: string[];
}

export type RoomStep = StateStep | DirectoryStep;

export interface Replacement {
  /** Why the room cannot reach its use case in place. */
  why: string[];
  ruleIds: string[];
  /** The body of POST /createRoom (the caller drops itself from power_level_content_override.users on v12+ rooms). */
  createRoom: {
    room_version?: string;
    creation_content: Record<string, unknown>;
    initial_state: Array<{ type: string; state_key: string; content: Record<string, unknown> }>;
    power_level_content_override?: Record<string, unknown>;
    visibility: 'public' | 'private';
  };
  tombstone: { body: string };
  /** The joined members, to invite into the new room (the sender excepted). */
  invite: string[];
  /** The old room's power levels afterwards: only moderators may post or invite (as a room upgrade does). */
  restrictOld?: Record<string, unknown>;
  /** What mxlint cannot move: aliases, bridges. */
  byHand: string[];
}

export interface RoomPlan {
  roomId: string;
  useCases: string[];
  steps: RoomStep[];
  replacement?: Replacement;
  clashes: Clash[];
  /** Left after the plan: decisions, manual work, what could not be checked. */
  selection: Selection;
  stillFailing: ToDo[];
  before: RoomLintResult;
  /** The room as the plan leaves it (for a new room: once the members have joined). */
  after: RoomLintResult;
}

export interface RoomPlanOptions {
  useCases: string[];
  rules: Rule[];
  server?: ServerFacts;
  minLevel?: FixLevel;
  lang?: Lang;
  /** Takes suppressed findings out of a report in place. */
  settle?: (report: Report) => void;
}

/** The state types copied into a new room (the rest belongs to the old one, or to clients). */
const CARRIED_OVER = ['m.room.join_rules', 'm.room.history_visibility', 'm.room.guest_access', 'm.room.encryption', 'm.room.server_acl',
  'm.room.retention', 'm.room.name', 'm.room.topic', 'm.room.avatar'];

type RoomDocument = Record<string, Record<string, unknown>>;

/** The room's settings as one document: event type → content (state key ""), and the directory. */
function documentOf(input: RoomInput): RoomDocument {
  const document: RoomDocument = {};
  for (const event of input.state) {
    if (event.state_key === '' && event.type !== 'm.room.member') document[event.type] = event.content as Record<string, unknown>;
  }
  if (input.published !== undefined) document[DIRECTORY] = { visibility: input.published ? 'public' : 'private' };
  return document;
}

/** The room input as it would be with this document's settings. */
function inputWith(input: RoomInput, document: RoomDocument): RoomInput {
  // An event type the plan removes is sent with empty content (state events cannot be deleted).
  const settings = (event: StateEvent) => event.state_key === '' && event.type !== 'm.room.member';
  const state: StateEvent[] = input.state.map((event) => (settings(event) ? { ...event, content: document[event.type] ?? {} } : event));
  for (const [type, content] of Object.entries(document)) {
    if (type !== DIRECTORY && !state.some((event) => event.type === type && event.state_key === '')) state.push({ type, state_key: '', content });
  }
  const visibility = document[DIRECTORY]?.visibility;
  return { ...input, state, published: visibility === undefined ? input.published : visibility === 'public' };
}

export function planRoom(input: RoomInput, options: RoomPlanOptions): RoomPlan {
  const { useCases, rules, server, lang } = options;
  const minLevel = options.minLevel ?? 'warning';
  const settle = (result: RoomLintResult): RoomLintResult => {
    if (options.settle) {
      options.settle(result);
      result.verdicts = verdicts(result.findings, result.useCases);
    }
    return result;
  };
  const lint = (document: RoomDocument) => settle(lintRoom(inputWith(input, document), { useCases, server, rules, lang }));
  const before = settle(lintRoom(input, { useCases, server, rules, lang }));
  const base = documentOf(input);
  const findingsOf = (document: Record<string, unknown>): Finding[] => lint(document as RoomDocument).findings;
  const { leaves, clashes } = fixToFixedPoint(base, false, findingsOf, { rules, useCases, minLevel, lang });
  const target = applyLeaves(base, leaves) as RoomDocument;
  const after = lint(target);
  const selection = selectFixes(after.findings, rules, useCases, minLevel, lang);
  const stillFailing = selection.mechanical.map((item): ToDo => ({
    ruleId: item.rule.id, useCases: item.useCases, level: item.level, title: item.rule.title[lang ?? 'en'], message: item.message,
    what: item.rule.fix?.hint[lang ?? 'en'] ?? '', hint: item.rule.fix?.hint[lang ?? 'en'],
  }));

  const steps = stepsOf(base, target, leaves, lang ?? 'en');
  const why = replacementReasons(base, target, lang ?? 'en');
  const plan: RoomPlan = { roomId: input.roomId, useCases, steps, clashes, selection, stillFailing, before, after };
  if (why.length) {
    plan.replacement = replacementFor(input, target, why, leaves, lang ?? 'en');
    plan.steps = [];
  }
  return plan;
}

type PlannedLeaf = Leaf & { ruleIds: string[] };

function stepsOf(base: RoomDocument, target: RoomDocument, leaves: PlannedLeaf[], lang: Lang): RoomStep[] {
  const types = [...new Set(leaves.map((leaf) => leaf.path[0]))];
  const steps: RoomStep[] = [];
  for (const type of types) {
    const ruleIds = [...new Set(leaves.filter((leaf) => leaf.path[0] === type).flatMap((leaf) => leaf.ruleIds))];
    const before = base[type] ?? null;
    const content = target[type] ?? {};
    if (sameValue(before ?? {}, content) && before !== null) continue;
    if (type === DIRECTORY) {
      const visibility = content.visibility === 'public' ? 'public' : 'private';
      steps.push({ kind: 'directory', before: before ? (before.visibility as 'public' | 'private') : 'unknown', visibility, ruleIds });
      continue;
    }
    const changes = leaves.filter((leaf) => leaf.path[0] === type && !leafHolds(base, leaf)).map((leaf) => {
      const path = leaf.path.slice(1);
      const get = (root: unknown) => path.reduce<unknown>((node, key) => (isMapping(node) ? node[key] : undefined), root);
      return { path, before: get(before), after: get(content), ...(leaf.remove ? { removed: true } : {}) };
    });
    const step: StateStep = { kind: 'state', type, stateKey: '', before, content, changes, ruleIds };
    if (type === 'm.room.encryption' && !before?.algorithm && content.algorithm) step.irreversible = render(lang, say('plan.why.encryptionOn'));
    steps.push(step);
  }
  return steps;
}

/** What cannot be done in place. */
function replacementReasons(base: RoomDocument, target: RoomDocument, lang: Lang): string[] {
  const why: string[] = [];
  if (!sameValue(base['m.room.create'] ?? {}, target['m.room.create'] ?? {})) {
    why.push(render(lang, say('plan.why.create')));
  }
  if (base['m.room.encryption']?.algorithm && !target['m.room.encryption']?.algorithm) why.push(render(lang, say('plan.why.encryption')));
  return why;
}

function replacementFor(input: RoomInput, target: RoomDocument, why: string[], leaves: PlannedLeaf[], lang: Lang): Replacement {
  const create = target['m.room.create'] ?? {};
  const { creator: _creator, room_version: version, predecessor: _predecessor, additional_creators: _additional, ...creationContent } = create as Record<string, unknown>;
  const carried = new Set([...CARRIED_OVER, ...leaves.map((leaf) => leaf.path[0])]);
  const initialState = [...carried]
    .filter((type) => ![DIRECTORY, 'm.room.create', 'm.room.power_levels'].includes(type) && target[type] && Object.keys(target[type]).length > 0)
    .filter((type) => type !== 'm.room.encryption' || Boolean(target[type].algorithm))
    .map((type) => ({ type, state_key: '', content: target[type] }));
  const power = target['m.room.power_levels'];
  const members = input.members ?? input.state.filter((event) => event.type === 'm.room.member' && event.content.membership === 'join').map((event) => event.state_key);
  const byHand: string[] = [];
  const alias = input.state.find((event) => event.type === 'm.room.canonical_alias')?.content;
  const aliases = [alias?.alias, ...(Array.isArray(alias?.alt_aliases) ? alias.alt_aliases : [])].filter((name): name is string => typeof name === 'string');
  if (aliases.length) byHand.push(render(lang, say('plan.byHand.aliases', { aliases: aliases.join(', ') })));
  if (input.state.some((event) => event.type === 'm.bridge' || event.type === 'uk.half-shot.bridge')) byHand.push(render(lang, say('plan.byHand.bridge')));
  return {
    why,
    ruleIds: [...new Set(leaves.flatMap((leaf) => leaf.ruleIds))],
    createRoom: {
      ...(typeof version === 'string' ? { room_version: version } : {}),
      creation_content: { ...creationContent, predecessor: { room_id: input.roomId } },
      initial_state: initialState,
      ...(power ? { power_level_content_override: power } : {}),
      visibility: target[DIRECTORY]?.visibility === 'public' ? 'public' : 'private',
    },
    tombstone: { body: render(lang, say('plan.tombstone.body')) },
    invite: members,
    restrictOld: { ...(input.state.find((event) => event.type === 'm.room.power_levels' && event.state_key === '')?.content ?? {}), events_default: 50, invite: 50 },
    byHand,
  };
}

/** The room input as it will be once the plan's in-place steps are sent (not for a replacement). */
export function inputAfterSteps(input: RoomInput, plan: RoomPlan): RoomInput {
  let state = input.state;
  let published = input.published;
  for (const step of plan.steps) {
    if (step.kind === 'directory') {
      published = step.visibility === 'public';
      continue;
    }
    const event: StateEvent = { type: step.type, state_key: step.stateKey, content: step.content };
    state = [...state.filter((known) => !(known.type === step.type && known.state_key === step.stateKey)), event];
  }
  return { ...input, state, published };
}
