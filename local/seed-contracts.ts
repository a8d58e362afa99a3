/**
 * The demo's registry: five sample contracts of the kinds a city buys under, registered by
 * purchasing (Jordan Blake) when `npm start` finds the registry empty. Fictional numbers and
 * suppliers, modelled on real vehicles: a national cooperative whose contracts are awarded by a
 * lead public agency, a regional collaborative, a piggyback on a peer city's contract, a state
 * term contract, and one that ends within 30 days (so the watch has something to say).
 * Terms are relative to the day the stack starts, so the demo never goes stale.
 */
const DAY_MS = 86_400_000;
const day = (today: Date, days: number): string => new Date(today.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** The bodies as `POST /contracts` takes them (dollars), with terms relative to `today`. */
export const seedContractBodies = (today: Date): Array<Record<string, unknown>> => [
  {
    vehicle: 'cooperative', number: 'NCPA 01-97', supplier: 'Acme Mobility',
    gpo: 'NCPA', gpoModel: 'lead-agency', leadAgency: 'City of Fresno',
    addendumRequired: true,
    facts: { leadAgencyPublic: true, competitivelyBid: true, cooperativeLanguage: true, addendumOnFile: true, procuredUnder2CFR200: true },
    categories: ['goods', 'technology'], scope: 'Mobile computing, handheld ticket writers, rugged tablets and accessories',
    ceiling: 500000, termStart: day(today, -400), termEnd: day(today, 580),
    documentIds: ['doc-ncpa-01-97-rfp', 'doc-ncpa-01-97-award', 'doc-ncpa-01-97-pricelist', 'doc-ncpa-membership'],
  },
  {
    vehicle: 'cooperative', number: 'MAPC ES-24', supplier: 'Bay State Fleet & Equipment',
    gpo: 'MAPC Regional Collaborative', gpoModel: 'public-gpo',
    addendumRequired: false,
    facts: { leadAgencyPublic: true, competitivelyBid: true, cooperativeLanguage: true },
    categories: ['goods'], scope: 'Public works vehicles, plows and sweepers; fire apparatus',
    ceiling: 2000000, termStart: day(today, -200), termEnd: day(today, 900),
    documentIds: ['doc-mapc-es24-bid', 'doc-mapc-es24-contract'],
  },
  {
    vehicle: 'piggyback', number: 'KW-2025-117', supplier: 'Harborline Technology',
    leadAgency: 'City of Key West',
    addendumRequired: true,
    facts: { leadAgencyPublic: true, competitivelyBid: true, cooperativeLanguage: true, addendumOnFile: true },
    categories: ['technology', 'services'], scope: 'Network equipment, managed Wi-Fi, installation and support: one contract, many solutions',
    ceiling: 250000, termStart: day(today, -120), termEnd: day(today, 700),
    documentIds: ['doc-kw-117-rfp', 'doc-kw-117-award', 'doc-kw-117-participating-addendum'],
  },
  {
    vehicle: 'state-contract', number: 'CA 1-24-70-01', supplier: 'Golden State Office Supply',
    state: 'California',
    addendumRequired: false,
    facts: { competitivelyBid: true, procuredUnder2CFR200: true },
    categories: ['goods'], scope: 'Office supplies, paper and toner (statewide term contract)',
    termStart: day(today, -300), termEnd: day(today, 400),
    documentIds: ['doc-ca-1-24-70-01'],
  },
  {
    vehicle: 'cooperative', number: 'SW 062222-ELE', supplier: 'Brightway Lighting',
    gpo: 'Sourcewell', gpoModel: 'public-gpo',
    addendumRequired: false,
    facts: { leadAgencyPublic: true, competitivelyBid: true, cooperativeLanguage: true },
    categories: ['goods', 'construction'], scope: 'LED street and park lighting, poles and installation',
    ceiling: 150000, termStart: day(today, -1000), termEnd: day(today, 21),
    documentIds: ['doc-sw-062222-award'],
  },
];

/** The first seed with fixed dates, for the API description's example. */
export const SEED_CONTRACTS = [{ body: seedContractBodies(new Date('2026-11-01T00:00:00Z'))[0]! }];

/**
 * Registers the seeds through the real use case when the registry is empty (a second start adds
 * nothing). `register` is the create use case composed for a purchasing person.
 */
export const seedContracts = async (
  registry: { list(): Promise<unknown[]> }, register: (body: unknown) => Promise<unknown>, today: Date,
): Promise<number> => {
  if ((await registry.list()).length > 0) return 0;
  const bodies = seedContractBodies(today);
  for (const body of bodies) await register(body);
  return bodies.length;
};
