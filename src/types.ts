// The data that flows through mxlint: sources → facts → rules → findings → report.
// Everything imports its types from here.
import type { Message, MessageValue } from './messages/message.js';

export type { Message, MessageValue };

export type Lang = 'en' | 'fr';
export type Text = Record<Lang, string>;

export type Level = 'error' | 'warning' | 'info' | 'off';
export type Status = 'pass' | 'fail' | 'unknown';
export type Verdict = 'fit' | 'fit-with-warnings' | 'unfit' | 'unknown';

export interface UseCase {
  id: string;
  name: Text;
  description: Text;
  /** config: judged on a server; room: judged on one room. Most are both. */
  scope: Array<'config' | 'room'>;
}

/** Where a value came from: a place in a file, or Synapse's default. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** One option (or room fact) as the rules see it. */
export interface Fact {
  path: string;
  /** The effective value: what is in the file, or Synapse's default when absent. */
  value: unknown;
  /** 'set': written in a file; 'default': absent, Synapse's default applies;
   *  'unknown': present but unreadable (an unrendered template placeholder). */
  state: 'set' | 'default' | 'unknown';
  location?: SourceLocation;
  /** Why the value is unknown, when it is. */
  reason?: Message;
  /** Who sets the value when state is 'default' (shown in messages); Synapse when absent. */
  defaultBy?: string | Message;
  /** For room facts: the state event the value comes from. */
  event?: { type: string; stateKey: string };
  /** For a derived or effective fact: the option whose value decided it (its location is that option's). */
  from?: string;
}

/** Anything rules can read by dotted path. */
export interface FactSource {
  target: 'config' | 'room' | 'server';
  get(path: string): Fact;
  /** Free-form derived data a dedicated check may need (appservices, members...). */
  extra: Record<string, unknown>;
}

export interface LoadedFile {
  path: string;
  /** false when Synapse skips it (empty, root not a mapping, not text). */
  used: boolean;
  keys: string[];
}

export interface LoadProblem {
  ruleId: string;
  message: string;
  location?: SourceLocation;
  /** Synapse refuses to start with this. */
  blocksStartup: boolean;
}

export interface CheckNode {
  function?: string;
  path?: string;
  options?: Record<string, unknown>;
  when?: Condition[];
  allOf?: CheckNode[];
  anyOf?: CheckNode[];
}

export interface Condition {
  path: string;
  equals?: unknown;
  notEquals?: unknown;
  truthy?: boolean;
  present?: boolean;
  in?: unknown[];
}

export interface Rule {
  id: string;
  target: 'config' | 'room' | 'server';
  title: Text;
  rationale: Text;
  source: { quote: string; where: string; ref?: string };
  check: CheckNode;
  levels: Record<string, Level>;
  fix?: { set?: Record<string, unknown>; decide?: Text; hint: Text };
  /** Dump path of the file the rule came from (for user rule errors). */
  file?: string;
  tags?: string[];
}

export interface CheckResult {
  status: Status;
  /** What was seen and why it passes or fails, as an id and data (rendered by the report). */
  message: Message;
  /** The path whose value decided the result. */
  path?: string;
  value?: unknown;
  location?: SourceLocation;
  event?: { type: string; stateKey: string };
  /** For a key Synapse does not read: the option the writer most likely meant. Rules reading that
   *  option judge Synapse's default instead, so the finding takes the highest of their levels. */
  intended?: string;
}

export interface Finding {
  ruleId: string;
  useCase: string;
  level: Exclude<Level, 'off'>;
  status: Status;
  /** The message in the report's language. */
  message: string;
  /** The message's stable id and its data (paths, values, nested messages). */
  messageId: string;
  data: Record<string, MessageValue>;
  title: string;
  location?: SourceLocation;
  path?: string;
  /** The value seen, secrets redacted. */
  value?: unknown;
  fix?: string;
  /** For room findings: the room and the state event that decided it. */
  room?: { id: string; eventType?: string };
}

export interface UseCaseVerdict {
  useCase: string;
  verdict: Verdict;
  counts: { error: number; warning: number; info: number; unknown: number };
}

export interface Report {
  schemaVersion: 2;
  tool: { name: 'mxlint'; version: string };
  target: 'config' | 'room' | 'server' | 'probe';
  inputs: string[];
  useCases: string[];
  findings: Finding[];
  verdicts: UseCaseVerdict[];
  warnings: string[];
}
