// What checks, facts and commands say, as an id and data (ESLint's meta.messages + messageId):
// each module declares its templates in English and French beside the code that uses them, and
// the report renders them in its language. Data are paths, values, numbers, or other messages.
import type { Lang } from '../types.js';

export type MessageValue = string | number | Message | readonly MessageValue[];

export interface Message {
  id: string;
  data: Record<string, MessageValue>;
}

export interface Templates {
  en: string;
  fr: string;
}

/** The {names} a template uses. */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest> : never;

/** The data a message needs: exactly the placeholders of its English template. */
export type DataOf<T extends Templates> = [Placeholders<T['en']>] extends [never] ? Record<string, never> : Record<Placeholders<T['en']>, MessageValue>;

/** A function making the catalogue's messages, typed so that a missing placeholder does not compile. */
export type MessageMaker<C extends Record<string, Templates>> = <K extends keyof C & string>(
  id: K,
  ...data: [Placeholders<C[K]['en']>] extends [never] ? [] : [DataOf<C[K]>]
) => Message;

const CATALOGUE = new Map<string, Templates>();

/** Declares messages (ids unique across the program) and returns their maker. */
export function defineMessages<const C extends Record<string, Templates>>(templates: C): MessageMaker<C> {
  for (const [id, text] of Object.entries(templates)) {
    if (CATALOGUE.has(id)) throw new Error(`message ${id} is declared twice`);
    CATALOGUE.set(id, text);
  }
  return ((id: string, data: Record<string, MessageValue> = {}) => ({ id, data })) as MessageMaker<C>;
}

/** Every message declared so far (the modules that declare them must have been imported). */
export const declaredMessages = (): ReadonlyMap<string, Templates> => CATALOGUE;

export const placeholdersOf = (template: string): string[] => [...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);

const isMessage = (value: unknown): value is Message => typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as Message).id === 'string';

/** A list inside a message: items joined as the language writes a list of clauses. */
const LIST_SEPARATOR: Record<Lang, string> = { en: '; ', fr: '\u00a0; ' };

function renderValue(lang: Lang, value: MessageValue): string {
  if (Array.isArray(value)) return value.map((item) => renderValue(lang, item)).join(LIST_SEPARATOR[lang]);
  if (isMessage(value)) return render(lang, value);
  return String(value);
}

/** The message in `lang`; an id nobody declared is shown as is, so that a bug stays visible. */
export function render(lang: Lang, message: Message): string {
  const templates = CATALOGUE.get(message.id);
  if (!templates) return `[${message.id}]`;
  return templates[lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    (Object.hasOwn(message.data, name) ? renderValue(lang, message.data[name]) : whole));
}

