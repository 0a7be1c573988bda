// Every check function a rule can name, each with its declaration: whether the rule gives it a
// path, the JSON Schema of its options, one line of doc. Rules are checked against these at build
// (built-in rules, scripts/build.mjs) and at load (--rules folders, src/engine/rule-problems.ts).
// A new function: export it from its module, then add one entry here.
import * as generic from './generic.js';
import * as structure from './config-structure.js';
import * as keys from './config-keys.js';
import * as config from './config.js';
import * as registration from './registration.js';
import * as mas from './mas.js';
import * as room from './room.js';
import * as hygiene from './hygiene.js';
import * as kept from './server-kept.js';
import { defineCheck, DURATION_PATTERN, type JsonSchema, type RegisteredCheck } from './types.js';

/** A Synapse duration: milliseconds, or a whole number with a unit (s, m, h, d, w, y). */
const duration: JsonSchema = { type: ['string', 'integer'], pattern: DURATION_PATTERN, description: 'a duration (180d, or milliseconds)' };
const names: JsonSchema = { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 };
const values: JsonSchema = { type: 'array', minItems: 1 };

export const checks = {
  // Generic: one value against the rule's options.
  equals: defineCheck({ path: 'required', options: { value: {} }, requiredOptions: ['value'], doc: 'The value equals options.value (deep equality).' }, generic.equals),
  oneOf: defineCheck({ path: 'required', options: { values }, requiredOptions: ['values'], doc: 'The value is one of options.values.' }, generic.oneOf),
  truthy: defineCheck({ path: 'required', doc: 'The value is true as Python reads it (a quoted "false" is true).' }, generic.truthy),
  falsy: defineCheck({ path: 'required', doc: 'The value is false as Python reads it (absent, null, false, 0, empty).' }, generic.falsy),
  absent: defineCheck({ path: 'required', doc: 'The value is absent, null or empty.' }, generic.absent),
  present: defineCheck({ path: 'required', doc: 'The value is set to something not null nor empty.' }, generic.present),
  durationAtMost: defineCheck({
    path: 'required',
    options: { max: duration, allowNull: { type: 'boolean' }, zeroMeansForever: { type: 'boolean' } },
    requiredOptions: ['max'],
    doc: 'A duration no longer than options.max; none (forever) fails unless allowNull; 0 fails with zeroMeansForever.',
  }, generic.durationAtMost),
  durationAtLeast: defineCheck({ path: 'required', options: { min: duration }, requiredOptions: ['min'], doc: 'A duration at least options.min (catches 6m, minutes, written for months).' }, generic.durationAtLeast),
  listExcludes: defineCheck({
    path: 'required', options: { values, field: { type: 'string', minLength: 1 } }, requiredOptions: ['values'],
    doc: 'No item of the list (or of its items\' options.field) is in options.values, compared case-insensitively.',
  }, generic.listExcludes),
  atMost: defineCheck({ path: 'required', options: { max: { type: 'number' } }, requiredOptions: ['max'], doc: 'A number (or a list\'s length) at most options.max.' }, generic.atMost),
  atLeast: defineCheck({ path: 'required', options: { min: { type: 'number' } }, requiredOptions: ['min'], doc: 'A number (or a list\'s length) at least options.min.' }, generic.atLeast),
  notMatches: defineCheck({ path: 'required', options: { pattern: { type: 'string', minLength: 1 } }, requiredOptions: ['pattern'], doc: 'A string that matches options.pattern (a regular expression, any case) fails.' }, generic.notMatches),

  // Config: what the generic functions cannot say.
  synapseStarts: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'Synapse 1.160 would start with this config: each reason it would refuse is a failure.' }, structure.synapseStarts),
  knownKeys: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'Every key is one Synapse reads (top level, and sub-keys of the sections it reads by name), with a did-you-mean.' }, keys.knownKeys),
  noMisplacedKeys: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No top-level option is written under another key, and no section\'s sub-key at the top level.' }, keys.noMisplacedKeys),
  noDuplicateKeys: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No key is written twice in one mapping (Synapse keeps the last): both lines given.' }, keys.noDuplicateKeys),
  noDeprecatedKeys: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No legacy (still read) or removed (ignored) key or sub-key holds a value; each with its replacement.' }, keys.noDeprecatedKeys),
  noSkippedFiles: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'Every file given is one Synapse reads (not empty, only comments, or a root that is no mapping).' }, keys.noSkippedFiles),
  noEmptySections: defineCheck({
    path: 'none', target: 'config', readsFiles: true, options: { sections: names }, requiredOptions: ['sections'],
    doc: 'None of options.sections is written with no value (None, which Synapse reads as absent: all defaults).',
  }, keys.noEmptySections),
  federationAllowList: defineCheck({ path: 'required', target: 'config', doc: 'federation.allowList limits federation to chosen servers (absent or null: every server).' }, config.federationAllowList),
  federationExcludes: defineCheck({ path: 'required', target: 'config', options: { servers: names }, doc: 'federation.allowList keeps out options.servers (default matrix.org); names compared exactly, as Synapse does.' }, config.federationExcludes),
  federationClosed: defineCheck({ path: 'none', target: 'config', doc: 'No federation: federation_domain_whitelist: [], or no allow-list and no listener serving federation.' }, config.federationClosed),
  trustedKeyServers: defineCheck({ path: 'none', target: 'config', options: { avoid: names }, doc: 'Synapse asks none of options.avoid (default matrix.org) for other servers\' keys.' }, config.trustedKeyServers),
  presenceOff: defineCheck({ path: 'none', target: 'config', doc: 'Presence is off or untracked (the effective presence.enabled: use_presence when it is absent).' }, config.presenceOff),
  topLevelKeyAbsent: defineCheck({ path: 'required', target: 'config', readsFiles: true, doc: 'The top-level key is not written at all (Synapse turns some sections on by their presence).' }, config.topLevelKeyAbsent),
  noBridges: defineCheck({ path: 'none', target: 'config', readsFiles: true, options: { networks: names }, doc: 'No registered appservice is a bridge (to one of options.networks, when given).' }, config.noBridges),
  guestAccessWorks: defineCheck({ path: 'none', target: 'config', doc: 'Guests can register: allow_guest_access on, and login not delegated to MAS.' }, config.guestAccessWorks),
  wellKnownClient: defineCheck({
    path: 'required', target: 'config', options: { forbid: { enum: ['identity_server'] } },
    doc: 'The client well-known does not tell clients to turn encryption off (forbid: identity_server: advertises no identity server).',
  }, config.wellKnownClient),
  registrationGated: defineCheck({ path: 'none', target: 'config', doc: 'Sign-up is closed, or open only with a token (unknown under MAS without its config, or when an SSO or upstream provider creates accounts).' }, registration.registrationGated),
  masLinkAgrees: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: "MAS's matrix.homeserver is Synapse's server_name, and an inline shared secret is the same on both sides (compared, never shown)." }, mas.masLinkAgrees),
  masKnownKeys: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'Every key of the MAS config is one MAS reads (top level, and the sections catalogue/mas-options.yaml lists), with a did-you-mean.' }, mas.masKnownKeys),
  masUpstreamThirdParties: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No enabled MAS upstream provider is a large third party (Google, GitHub, Apple, Microsoft, Facebook, Discord), by issuer host or brand_name.' }, mas.masUpstreamThirdParties),
  masUpstreamImportsIdentity: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No enabled MAS upstream provider of a large third party imports the e-mail address or the display name (claims_imports email/displayname action other than ignore).' }, mas.masUpstreamImportsIdentity),
  masEndpointListened: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: "Synapse's matrix_authentication_service.endpoint is where a MAS HTTP listener binds, when that can be told (loopback, or a host a bind names)." }, mas.masEndpointListened),
  synapseSignupOptionsUnused: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: "None of Synapse's own sign-up options is set while MAS decides sign-up (Synapse ignores them)." }, mas.synapseSignupOptionsUnused),
  secretsInFiles: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No secret that Synapse can read from a file (its *_path twin) is written inline.' }, hygiene.secretsInFiles),
  secretFilesPrivate: defineCheck({ path: 'none', target: 'config', readsFiles: true, doc: 'No file holding a secret (config, signing key) is readable by every user.' }, hygiene.secretFilesPrivate),

  // Room: what the generic functions cannot say about a room's state.
  aclAllowsSomeone: defineCheck({ path: 'required', target: 'room', doc: 'A server ACL does not deny every server with an empty allow list.' }, room.aclAllowsSomeone),
  federationRestricted: defineCheck({ path: 'required', target: 'room', doc: 'The room keeps third-party servers out: m.federate false, or an ACL of named servers without IP literals.' }, room.federationRestricted),
  membersOnOneServer: defineCheck({ path: 'required', target: 'room', doc: 'Every member is on one server (else each server keeps its own copy).' }, room.membersOnOneServer),
  notBridged: defineCheck({ path: 'required', target: 'room', doc: 'The room is not bridged, naming what gave a bridge away.' }, room.notBridged),
  effectiveRetentionAtMost: defineCheck({ path: 'required', target: 'room', options: { max: duration }, requiredOptions: ['max'], doc: 'durationAtMost on the lifetime the server applies, saying where it comes from.' }, room.effectiveRetentionAtMost),
  retentionApplied: defineCheck({
    path: 'required', target: 'room',
    doc: 'The oldest message still stored is not older than the effective lifetime plus the longest purge-job interval (Synapse\'s kept events excepted).',
  }, room.retentionApplied),
  inactiveRoomStored: defineCheck({
    path: 'required', target: 'room', options: { max: { type: 'number' } }, requiredOptions: ['max'],
    doc: 'A room idle more than options.max days fails, saying that the server still stores it and its size when known.',
  }, room.inactiveRoomStored),
  forgottenRoomPurged: defineCheck({
    path: 'required', target: 'room', options: { grace: duration }, requiredOptions: ['grace'],
    doc: 'A forgotten room whose scheduled purge is overdue by more than options.grace fails (none pending passes).',
  }, room.forgottenRoomPurged),
  postingLevel: defineCheck({ path: 'required', target: 'room', options: { everyone: { type: 'boolean' } }, requiredOptions: ['everyone'], doc: 'Every member can post (everyone: true), or only some can (false).' }, room.postingLevel),

  // Server: what mxlint server measured the server keeps, against its config.
  keptWithinLifetime: defineCheck({
    path: 'required', target: 'server',
    doc: 'The oldest of a measure still stored (kept.<measure>.oldestAgeMs) is within its configured lifetime plus the clean-up job\'s interval; forever fails once anything is stored.',
  }, kept.keptWithinLifetime),
} satisfies Record<string, RegisteredCheck>;

export type CheckName = keyof typeof checks;

export const checkNamed = (name: string): RegisteredCheck | undefined => (Object.hasOwn(checks, name) ? checks[name as CheckName] : undefined);
