// What each homeserver endpoint mxlint reads answers, as types and as the JSON Schemas of
// answers.schema.json (compiled at build time into src/generated/validate-answers.js).
import type { ErrorObject } from 'ajv';
import type { StateEvent } from '../facts/room-facts.js';
import * as validators from '../generated/validate-answers.js';

/** One row of GET /_synapse/admin/v1/rooms (the fields mxlint reads). */
export interface AdminRoom {
  room_id: string;
  name: string | null;
  canonical_alias: string | null;
  joined_members: number;
  public: boolean;
}

/** Each answer, by the name of its schema. */
export interface Answers {
  whoami: { user_id: string };
  userAdmin: { admin: boolean };
  roomList: { rooms: AdminRoom[]; total_rooms: number; next_batch?: number | null };
  adminRoom: AdminRoom;
  adminState: { state: StateEvent[] };
  state: StateEvent[];
  messages: { chunk: Array<{ origin_server_ts: number }> };
  oldestEvents: { chunk: Array<{ origin_server_ts: number; state_key?: string; unsigned?: { age?: number } }> };
  roomSizes: { rooms: Array<{ room_id: string; estimated_size: number }> };
  scheduledTasks: { scheduled_tasks: Array<{ action: string; status: string; timestamp_ms: number; resource_id: string | null }> };
  joinedMembers: { joined: Record<string, object> };
  userList: { users: Array<{ name: string; avatar_url?: string | null }>; total: number };
  userMedia: { media: Array<{ media_id: string; created_ts: number; last_access_ts?: number | null; quarantined_by?: string | null; safe_from_quarantine?: boolean }> };
  whois: { devices: Record<string, { sessions: Array<{ connections: Array<{ last_seen: number }> }> }> };
  roomMedia: { local: string[]; remote: string[] };
  mediaInfo: { created_ts: number; last_access_ts?: number | null };
  redactionEvents: { chunk: Array<{ type: string; origin_server_ts: number; redacts?: string; content?: { redacts?: string }; unsigned?: { age?: number } }> };
  fetchedEvent: { event: { type: string; content?: Record<string, unknown> } };
  directoryVisibility: { visibility: 'public' | 'private' };
  roomAlias: { room_id: string };
  // What `mxlint probe` reads without a token (src/sources/probe.ts); only the fields it uses.
  wellKnownClient: { 'm.homeserver'?: { base_url: string }; 'm.identity_server'?: { base_url: string }; [key: string]: unknown };
  wellKnownServer: { 'm.server': string };
  wellKnownSupport: { contacts?: Array<{ role?: string; email_address?: string; matrix_id?: string }>; support_page?: string };
  clientVersions: { versions: string[]; unstable_features?: Record<string, boolean> };
  registerFlows: { flows: Array<{ stages: string[] }>; params?: Record<string, unknown> };
  loginFlows: { flows: Array<{ type: string; identity_providers?: Array<{ id: string; name?: string }> }> };
  authMetadata: { issuer: string; account_management_uri?: string; prompt_values_supported?: string[] };
  authIssuer: { issuer: string };
  openidConfiguration: { issuer: string; prompt_values_supported?: string[]; registration_endpoint?: string; account_management_uri?: string };
  registerAvailable: { available: boolean };
  mediaConfig: { 'm.upload.size'?: number };
  publicRooms: { chunk: Array<{ room_id: string; world_readable?: boolean; guest_can_join?: boolean }>; total_room_count_estimate?: number };
  profile: { displayname?: string | null; avatar_url?: string | null };
  matrixError: { errcode?: string; error?: string };
  federationVersion: { server: { name?: string; version?: string } };
  serverKeys: { server_name: string; verify_keys: Record<string, unknown>; valid_until_ts?: number };
  guestRegistration: { user_id: string; access_token?: string };
}

/** What is wrong with `answer` for that endpoint ("user_id must be string"), or undefined. */
export function answerProblem(shape: keyof Answers, answer: unknown): string | undefined {
  const validate = validators[shape];
  if (validate(answer)) return undefined;
  const error = validate.errors?.[0] as ErrorObject;
  const where = error.instancePath ? error.instancePath.slice(1).replaceAll('/', '.') : 'the answer';
  return `${where} ${error.message ?? 'is not valid'}`;
}
