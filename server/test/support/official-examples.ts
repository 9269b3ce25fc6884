import fs from 'node:fs';
import path from 'node:path';

/** Conformance and terminology resources are definitions the server loads, not data it stores. */
export const DEFINITION_TYPES = new Set([
  'StructureDefinition',
  'SearchParameter',
  'ValueSet',
  'CodeSystem',
  'ConceptMap',
  'OperationDefinition',
  'CapabilityStatement',
  'CompartmentDefinition',
  'ImplementationGuide',
  'NamingSystem',
  'StructureMap',
  'GraphDefinition',
  'MessageDefinition',
  'TerminologyCapabilities',
  'ExampleScenario',
]);

const NOT_RESOURCES = new Set(['package.json', 'ig-r4.json']);

export interface Example {
  file: string;
  resourceType: string;
  id: string;
  /** The file as published, sent as is so the server sees exactly what HL7 wrote. */
  text: string;
}

/** Every example resource of the package (type from the content, not the file name), sorted by file. */
export function loadExamples(dir: string): Example[] {
  const examples: Example[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    if (!file.endsWith('.json') || NOT_RESOURCES.has(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const json = JSON.parse(text) as { resourceType?: unknown; id?: unknown };
    if (typeof json.resourceType !== 'string' || DEFINITION_TYPES.has(json.resourceType)) continue;
    if (typeof json.id !== 'string') throw new Error(`${file} has no id: it cannot be PUT`);
    examples.push({ file, resourceType: json.resourceType, id: json.id, text });
  }
  return examples;
}
