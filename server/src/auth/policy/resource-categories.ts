/**
 * The R4 resource types grouped by what they hold, so the role matrix (`permissions.ts`) can speak of a
 * handful of categories instead of 146 types. The grouping follows who may see the data under the
 * "minimum necessary" rule, not FHIR's own module layout.
 *
 * Every R4 type is listed explicitly (a test checks it), so a type only lands in `definitional` — the
 * category tenant administrators may write — by a decision made here, never by being forgotten.
 * `categoryOf` still answers `definitional` for names it does not know (custom or misspelled types);
 * those are refused earlier as unknown resource types anyway.
 */

export const CATEGORIES = [
  'clinical',
  'demographic',
  'scheduling',
  'financial',
  'consent',
  'audit',
  'directory',
  'definitional',
] as const;

export type Category = (typeof CATEGORIES)[number];

export const RESOURCE_CATEGORIES: Readonly<Record<Category, readonly string[]>> = {
  /**
   * Care data about a patient: the types of the R4 Patient compartment that hold care, plus those
   * outside it that carry care data all the same — Binary (attachments of DocumentReference and Media),
   * Bundle (stored documents and messages), GuidanceResponse (decision-support output about a patient)
   * and Task (care workflow for a patient).
   */
  clinical: [
    'AdverseEvent',
    'AllergyIntolerance',
    'Basic',
    'Binary',
    'BodyStructure',
    'Bundle',
    'CarePlan',
    'CareTeam',
    'ClinicalImpression',
    'Communication',
    'CommunicationRequest',
    'Composition',
    'Condition',
    'DetectedIssue',
    'DeviceRequest',
    'DeviceUseStatement',
    'DiagnosticReport',
    'DocumentManifest',
    'DocumentReference',
    'Encounter',
    'EpisodeOfCare',
    'FamilyMemberHistory',
    'Flag',
    'Goal',
    'GuidanceResponse',
    'ImagingStudy',
    'Immunization',
    'ImmunizationEvaluation',
    'ImmunizationRecommendation',
    'List',
    'MeasureReport',
    'Media',
    'MedicationAdministration',
    'MedicationDispense',
    'MedicationRequest',
    'MedicationStatement',
    'MolecularSequence',
    'NutritionOrder',
    'Observation',
    'Procedure',
    'Provenance',
    'QuestionnaireResponse',
    'RequestGroup',
    'ResearchSubject',
    'RiskAssessment',
    'ServiceRequest',
    'Specimen',
    'SupplyDelivery',
    'SupplyRequest',
    'Task',
    'VisionPrescription',
  ],
  /** Who the patient is. Linkage belongs here: it asserts that records describe the same person. */
  demographic: ['Patient', 'RelatedPerson', 'Person', 'Linkage'],
  scheduling: ['Appointment', 'AppointmentResponse', 'Schedule', 'Slot'],
  /** Coverage, claims and payment. Contract too: in R4 it mostly carries insurance and payment terms. */
  financial: [
    'Account',
    'ChargeItem',
    'Claim',
    'ClaimResponse',
    'Contract',
    'Coverage',
    'CoverageEligibilityRequest',
    'CoverageEligibilityResponse',
    'EnrollmentRequest',
    'EnrollmentResponse',
    'ExplanationOfBenefit',
    'Invoice',
    'PaymentNotice',
    'PaymentReconciliation',
  ],
  /** Its own category: patients write their consents, and administrators must be able to read them. */
  consent: ['Consent'],
  audit: ['AuditEvent'],
  /**
   * Who and what provides care: people, places, services, things. Readable by most staff.
   * Note that a Group can list patients as members and a Device can name its patient (implants); the
   * policy that narrows reads to a patient's own data must keep that in mind.
   */
  directory: [
    'BiologicallyDerivedProduct',
    'Device',
    'DeviceMetric',
    'Endpoint',
    'Group',
    'HealthcareService',
    'InsurancePlan',
    'Location',
    'Medication',
    'Organization',
    'OrganizationAffiliation',
    'Practitioner',
    'PractitionerRole',
    'Substance',
  ],
  /** Knowledge, terminology, conformance and infrastructure: no data about a particular patient. */
  definitional: [
    'ActivityDefinition',
    'CapabilityStatement',
    'CatalogEntry',
    'ChargeItemDefinition',
    'CodeSystem',
    'CompartmentDefinition',
    'ConceptMap',
    'DeviceDefinition',
    'EffectEvidenceSynthesis',
    'EventDefinition',
    'Evidence',
    'EvidenceVariable',
    'ExampleScenario',
    'GraphDefinition',
    'ImplementationGuide',
    'Library',
    'Measure',
    'MedicationKnowledge',
    'MedicinalProduct',
    'MedicinalProductAuthorization',
    'MedicinalProductContraindication',
    'MedicinalProductIndication',
    'MedicinalProductIngredient',
    'MedicinalProductInteraction',
    'MedicinalProductManufactured',
    'MedicinalProductPackaged',
    'MedicinalProductPharmaceutical',
    'MedicinalProductUndesirableEffect',
    'MessageDefinition',
    'MessageHeader',
    'NamingSystem',
    'ObservationDefinition',
    'OperationDefinition',
    'OperationOutcome',
    'Parameters',
    'PlanDefinition',
    'Questionnaire',
    'ResearchDefinition',
    'ResearchElementDefinition',
    'ResearchStudy',
    'RiskEvidenceSynthesis',
    'SearchParameter',
    'SpecimenDefinition',
    'StructureDefinition',
    'StructureMap',
    'Subscription',
    'SubstanceNucleicAcid',
    'SubstancePolymer',
    'SubstanceProtein',
    'SubstanceReferenceInformation',
    'SubstanceSourceMaterial',
    'SubstanceSpecification',
    'TerminologyCapabilities',
    'TestReport',
    'TestScript',
    'ValueSet',
    'VerificationResult',
  ],
};

const BY_TYPE: ReadonlyMap<string, Category> = new Map(
  CATEGORIES.flatMap((category) => RESOURCE_CATEGORIES[category].map((type) => [type, category] as const)),
);

/** The category of a resource type; `definitional` for a name not listed above. */
export function categoryOf(resourceType: string): Category {
  return BY_TYPE.get(resourceType) ?? 'definitional';
}

/** Whether `resourceType` is one of the R4 types listed above. */
export function isListedType(resourceType: string): boolean {
  return BY_TYPE.has(resourceType);
}
