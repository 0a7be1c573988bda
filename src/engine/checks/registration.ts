// Dedicated checks on registration and accounts. Who can sign up is decided once, in facts/signup.ts.
import type { ServerFacts } from '../../facts/server-facts.js';
import { formDecision, signupWays, wayMessage, type Decided, type SignupForm } from '../../facts/signup.js';
import { show } from '../../facts/values.js';
import { describeFact, factMessage, result, type CheckFunction } from './types.js';
import { defineMessages, type Message } from '../../messages/message.js';

const message = defineMessages({
  'registration.dependsOn': { en: 'who can sign up depends on {path} ({reason})', fr: 'qui peut s’inscrire dépend de {path} ({reason})' },
  'registration.disableOverrides': { en: 'disable_registration is {value}, which overrides enable_registration', fr: 'disable_registration vaut {value}, ce qui l’emporte sur enable_registration' },
  'registration.open': {
    en: 'registration is open to anyone ({seen}; registration_requires_token is not on)',
    fr: 'l’inscription est ouverte à tous ({seen}\u00a0; registration_requires_token n’est pas activé)',
  },
  'registration.openMas': { en: 'registration is open to anyone ({seen}; MAS requires no registration token)', fr: 'l’inscription est ouverte à tous ({seen}\u00a0; MAS n’exige aucun jeton d’inscription)' },
  'registration.providers': {
    en: 'accounts are created on first login through {providers}: whoever the provider lets log in gets an account, and mxlint cannot see whom it lets in',
    fr: 'les comptes sont créés à la première connexion par {providers}\u00a0: quiconque le fournisseur laisse se connecter obtient un compte, et mxlint ne peut pas voir qui il laisse entrer',
  },
  'registration.providersAndToken': {
    en: 'accounts are created on first login through {providers}: whoever the provider lets log in gets an account, and mxlint cannot see whom it lets in; the registration form itself needs a token',
    fr: 'les comptes sont créés à la première connexion par {providers}\u00a0: quiconque le fournisseur laisse se connecter obtient un compte, et mxlint ne peut pas voir qui il laisse entrer\u00a0; le formulaire d’inscription, lui, exige un jeton',
  },
  'registration.alsoGated': { en: '{seen}; {providers} creates accounts only with a registration token', fr: '{seen}\u00a0; {providers} ne crée de comptes qu’avec un jeton d’inscription' },
  'registration.tokenOnly': { en: 'registration is open only with a registration token', fr: 'l’inscription n’est ouverte qu’avec un jeton d’inscription' },
  'registration.closed': { en: 'self-service registration is closed ({seen})', fr: 'l’inscription libre est fermée ({seen})' },
  'registration.closedNoSso': {
    en: 'self-service registration is closed ({seen}) and no single sign-on provider creates accounts',
    fr: 'l’inscription libre est fermée ({seen}) et aucun fournisseur d’authentification unique ne crée de comptes',
  },
  'registration.closedNoUpstream': {
    en: 'self-service registration is closed ({seen}) and no MAS upstream provider creates accounts',
    fr: 'l’inscription libre est fermée ({seen}) et aucun fournisseur amont de MAS ne crée de comptes',
  },
});

const server = (facts: unknown): ServerFacts => facts as ServerFacts;

/** Sign-up is gated: closed, or open only with a registration token. A single sign-on provider that
 *  creates accounts leaves it to that provider, which mxlint cannot see: unknown, never closed. */
export const registrationGated: CheckFunction = (_fact, { facts }) => {
  const { get } = server(facts);
  const ways = signupWays(get);
  if ('unknown' in ways) {
    return result('unknown', ways.unknown, message('registration.dependsOn', { path: ways.unknown.path, reason: ways.unknown.reason ?? factMessage('fact.unknownValue') }));
  }
  // Known once the ways are: the form's decision is part of them.
  const toggle = formDecision(get) as Decided<SignupForm>;
  const byMas = toggle.fact.path.startsWith('mas.');
  const seen = toggle.fact.path === 'disable_registration'
    ? message('registration.disableOverrides', { value: show(toggle.fact.value) })
    : describeFact(toggle.fact, show(toggle.fact.value));
  const names = ways.value.map((way) => way.value);
  if (names.includes('form')) return result('fail', toggle.fact, message(byMas ? 'registration.openMas' : 'registration.open', { seen }));
  const providers = ways.value.filter((way) => !way.value.startsWith('form') && !way.value.startsWith('upstream-token:'));
  if (providers.length) {
    const id = names.includes('form-token') ? 'registration.providersAndToken' : 'registration.providers';
    return result('unknown', providers[0].fact, message(id, { providers: providers.map((way) => wayMessage(way.value)) }));
  }
  const gated = ways.value.filter((way) => way.value.startsWith('upstream-token:'));
  const alsoGated = (said: Message): Message => (gated.length ? message('registration.alsoGated', { seen: said, providers: gated.map((way) => wayMessage(way.value)) }) : said);
  if (names.includes('form-token')) return result('pass', toggle.fact, alsoGated(message('registration.tokenOnly')));
  if (gated.length) return result('pass', gated[0].fact, alsoGated(message('registration.closed', { seen })));
  return result('pass', toggle.fact, message(byMas ? 'registration.closedNoUpstream' : 'registration.closedNoSso', { seen }));
};
