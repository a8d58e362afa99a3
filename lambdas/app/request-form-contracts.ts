/**
 * The new-request form and the contracts registry: which registered contracts a cooperative,
 * piggyback or state-contract section offers, what the form sends when one is picked, and the
 * form started from a contract ("Use in a new request" on the contracts pages). Pure.
 *
 * A picked contract is sent as `method.contractId` alone: the routing core reads the contract's
 * verified facts from the registry, so the form asks none of the self-declared questions. Leaving
 * the choice on "Not in the registry" sends the typed facts exactly as before (purchasing then
 * verifies them at its checkpoint: the `contract-unverified` flag).
 */
import { isActiveOn, searchContracts, type ContractFacts, type Vehicle } from '../domain/contracts';
import { utcDate } from '../domain/dates';
import type { Deps } from './deps';
import { factsOf } from './contracts';
import type { RequestFormValues } from './request-form';

/** The form's methods that buy under a contract the registry may hold. */
export const REGISTRY_METHODS = ['cooperative', 'piggyback', 'state-contract'] as const satisfies readonly Vehicle[];
export type RegistryMethod = (typeof REGISTRY_METHODS)[number];

export const isRegistryMethod = (method: string): method is RegistryMethod => (REGISTRY_METHODS as readonly string[]).includes(method);

/** Most contracts one section lists at once; "Find" narrows a longer list by supplier, scope or number. */
export const MAX_LISTED_CONTRACTS = 8;

/** What the form knows of the registry: every contract (facts only) and the day it is judged on. */
export interface FormRegistry {
  contracts: readonly ContractFacts[];
  /** YYYY-MM-DD: contracts active on this day are offered. */
  today: string;
}

/** The registry as the form reads it, once per page. */
export const formRegistry = async (deps: Pick<Deps, 'contracts' | 'clock'>): Promise<FormRegistry> => ({
  contracts: (await deps.contracts.list()).map(factsOf),
  today: utcDate(deps.clock()),
});

export interface SectionChoices {
  /** The contracts to list, the chosen one always among them. */
  listed: ContractFacts[];
  /** Active contracts of this vehicle that match but were left off (the list is capped). */
  more: number;
  /** Active contracts of this vehicle in the registry, whatever the search. */
  total: number;
}

/**
 * The contracts a section offers: active ones of the method's vehicle matching the section's
 * search words (all of them when none are typed), by supplier, capped at MAX_LISTED_CONTRACTS.
 * The chosen contract is listed whatever the search or its term, so a person sees what they
 * picked, including an ended contract opened from a link (routing then says why it cannot be used).
 */
export const sectionChoices = (registry: FormRegistry, method: RegistryMethod, search: string, chosenId: string): SectionChoices => {
  const ofVehicle = registry.contracts.filter((c) => c.vehicle === method);
  const active = searchContracts(ofVehicle, { active: true, date: registry.today });
  const matching = searchContracts(active, { q: search, date: registry.today });
  const chosen = ofVehicle.find((c) => c.id === chosenId);
  const listed = matching.slice(0, MAX_LISTED_CONTRACTS);
  if (chosen && !listed.some((c) => c.id === chosen.id)) listed.unshift(chosen);
  return { listed, more: Math.max(0, matching.length - MAX_LISTED_CONTRACTS), total: active.length };
};

/** The registered contract the form's chosen method names, if the registry holds it. */
export const chosenContract = (form: RequestFormValues, registry: FormRegistry | undefined): ContractFacts | undefined => {
  if (!registry || !isRegistryMethod(form.method)) return undefined;
  const id = form.sections[form.method].contractId.trim();
  return id === '' ? undefined : registry.contracts.find((c) => c.id === id);
};

/**
 * The method of the body when the chosen method's section picks a registered contract: its id
 * alone (the schema refuses self-declared facts beside it). Undefined: no contract picked, the
 * typed facts go as before. An id the registry does not hold is still sent, so routing answers
 * "no contract … in the registry" beside the choice.
 */
export const registeredMethodBody = (form: RequestFormValues): { type: RegistryMethod; contractId: string } | undefined => {
  if (!isRegistryMethod(form.method)) return undefined;
  const id = form.sections[form.method].contractId.trim();
  return id === '' ? undefined : { type: form.method, contractId: id };
};

/**
 * The form started from a registered contract: its method chosen, the contract picked, and the
 * vendor (the contract's supplier) and category (when the contract covers only one) filled in
 * where the person has not typed their own.
 */
export const withContract = (form: RequestFormValues, contract: ContractFacts): RequestFormValues => {
  const method = contract.vehicle;
  return {
    ...form,
    method,
    vendor: form.vendor.trim() === '' ? contract.supplier : form.vendor,
    category: form.category === '' && contract.categories.length === 1 ? contract.categories[0]! : form.category,
    sections: { ...form.sections, [method]: { ...form.sections[method], contractId: contract.id } },
  };
};

/** Whether a contract can be bought under today (the form marks the others). */
export const offeredToday = (contract: ContractFacts, registry: FormRegistry): boolean => isActiveOn(contract, registry.today);

/**
 * GET /requests/new?contract={id}: the form started from that contract, or (an id the registry
 * does not hold) the empty form, 404, saying so.
 */
export const formForContract = (
  registry: FormRegistry, id: string, empty: RequestFormValues,
): [RequestFormValues, { statusCode?: number; message?: string }] => {
  const contract = registry.contracts.find((c) => c.id === id);
  if (!contract) return [empty, { statusCode: 404, message: 'There is no registered contract with that id. Choose one in the method’s section below, or search the contracts.' }];
  return [withContract(empty, contract), {}];
};
