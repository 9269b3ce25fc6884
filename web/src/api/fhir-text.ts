/** Minimal shapes of the FHIR elements the pages show. */
export interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}

export interface CodeableConcept {
  text?: string;
  coding?: { system?: string; code?: string; display?: string }[];
}

export interface Identifier {
  system?: string;
  value?: string;
  type?: CodeableConcept;
}

/** The name people use: official first, then usual, then any; "Given Family". */
export function displayName(names: HumanName[] | undefined): string {
  const list = names ?? [];
  const name = list.find((n) => n.use === 'official') ?? list.find((n) => n.use === 'usual') ?? list[0];
  if (!name) return '';
  if (name.text) return name.text;
  return [...(name.given ?? []), name.family ?? ''].filter(Boolean).join(' ').replace(/\d+/g, '').trim();
}

/** The first given name, for greetings. */
export function firstName(names: HumanName[] | undefined): string {
  const list = names ?? [];
  const name = list.find((n) => n.use === 'official') ?? list[0];
  return (name?.given?.[0] ?? displayName(list)).replace(/\d+/g, '');
}

/** The concept's text, else its first coding's display, else its code. */
export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept) return '';
  if (concept.text) return concept.text;
  const coding = concept.coding?.find((c) => c.display) ?? concept.coding?.[0];
  return coding?.display ?? coding?.code ?? '';
}

/** The medical record number: the identifier typed MR, if any. */
export function medicalRecordNumber(identifiers: Identifier[] | undefined): string | undefined {
  return identifiers?.find((i) => i.type?.coding?.some((c) => c.code === 'MR'))?.value;
}
